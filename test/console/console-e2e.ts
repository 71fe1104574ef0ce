/**
 * The console end to end in headless Chromium, against a store a runtime is writing: the
 * table, the overlay (done, waiting, failed, dimmed, cancelled), approving from the inbox with
 * the instance completing on screen without a reload, cancelling, XSS payloads as text, the
 * history-size warning, and the token and Origin checks. Shared by the SQLite and PostgreSQL test files.
 */
import { expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../../src/diagram/browser-render.js';
import { ConsoleApi } from '../../src/console/console-api.js';
import { startConsole, type RunningConsole } from '../../src/console/console-server.js';
import { consoleUiDir } from '../../src/console/static-assets.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import type { Store } from '../../src/store/store.js';
import { requireTool } from '../support/required-tool.js';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WEIRD_ACTIVITY } from './fixtures/console-flows.js';
import { runScenario, startScenarioRuntime, XSS, XSS_ID, type Scenario } from './scenario.js';

export interface E2EStores {
  /** The store the runtime writes. */
  runtimeStore: () => Promise<Store>;
  /** A second connection to the same data, for the console (as if another process). */
  consoleStore: () => Promise<Store>;
  cleanup?: () => Promise<void>;
}

/** Node states on the rendered SVG, by the IR node's activity/event name. */
async function overlayStates(page: Page, api: ConsoleApi, id: string): Promise<Record<string, string>> {
  await page.waitForFunction(
    (instanceId) => {
      const d = document.querySelector('[data-testid=diagram][data-ready=true]');
      return d?.getAttribute('data-for') === instanceId && d.querySelector('g.node[data-state]') !== null;
    },
    id,
    { timeout: 20_000 },
  );
  const d = await api.instance(id);
  const byId: Record<string, string> = await page.$$eval('g.node[data-node-id]', (gs) => Object.fromEntries(gs.map((g) => [g.getAttribute('data-node-id')!, g.getAttribute('data-state')!])));
  return Object.fromEntries(d.diagram!.graph.nodes.filter((n) => n.name || n.kind === 'end').map((n) => [n.name ?? n.kind, byId[n.id]]));
}

export function consoleEndToEnd(label: string, stores: E2EStores, available: () => Promise<boolean> = async () => true): void {
  it(`the console shows, approves and cancels what a runtime runs (${label})`, { timeout: 180_000 }, async (ctx) => {
    requireTool(ctx, 'Chromium', chromiumAvailable(), `nothing at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
    requireTool(ctx, 'the built console UI', existsSync(join(consoleUiDir(), 'index.html')), 'run npm run build:console');
    if (!(await available())) return ctx.skip(`${label} is not available`);
    let runtime: Runtime | null = null;
    let running: RunningConsole | null = null;
    let secured: RunningConsole | null = null;
    let browser: Browser | null = null;
    const consoleStore = await stores.consoleStore();
    try {
      const store = await stores.runtimeStore();
      runtime = await startScenarioRuntime(store);
      const s: Scenario = await runScenario(runtime, store);
      // An order carrying 40 KB of notes: its history passes the console's 100 KB warning threshold.
      const big = await runtime.client.startOrchestration('OrderFlow', { id: 'o-3', express: false, amount: 40, notes: 'n'.repeat(40_000) }, { instanceId: 'order-big' });
      await runtime.client.waitForOrchestration(big, { timeoutMs: 20_000 });
      running = await startConsole({ store: consoleStore, port: 0, historyWarningBytes: 100_000 });
      const api = new ConsoleApi(consoleStore);
      const { chromium } = await import('playwright-core');
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('dialog', (d) => {
        problems.push(`dialog opened: ${d.message()}`);
        void d.dismiss();
      });

      // The table, with counts per status.
      await page.goto(running.url);
      await page.waitForSelector('[data-testid=instances-table] tr[data-instance]');
      const ids = await page.$$eval('tr[data-instance]', (rows) => rows.map((r) => r.getAttribute('data-instance')));
      expect(ids).toEqual(expect.arrayContaining([s.completed, s.failed, s.agent, s.fanOut, s.ticker, s.waiting, s.race, s.xss]));
      expect(await page.textContent('[data-testid=count-Failed]')).toContain('1');
      expect(await page.textContent('[data-testid=count-Running]')).toContain('2');
      // New instances appear without a reload.
      const fresh = await runtime.client.startOrchestration('FanOut', ['z.png'], { instanceId: 'arrives-live' });
      await page.waitForSelector(`tr[data-instance="${fresh}"]`, { timeout: 10_000 });

      // The overlay: done, not taken, failed, waiting, cancelled race loser, fan-out count.
      const open = (id: string) => page.goto(`${running!.url}#/instances/${encodeURIComponent(id)}`);
      await open(s.completed);
      expect(await overlayStates(page, api, s.completed)).toMatchObject({ validate: 'done', shipStandard: 'done', shipExpress: 'not_taken', charge: 'done', end: 'done' });
      expect(await page.$$('[data-testid=history-warning]')).toHaveLength(0);
      // The size warning in the instance header, with what to do about it.
      await open(big);
      const warning = page.locator('[data-testid=history-warning]');
      await warning.waitFor();
      expect(await warning.isVisible()).toBe(true);
      expect(await warning.textContent()).toMatch(/History 1\d\d\.\d KB \(execution 1\), over the 100\.0 KB warning threshold.*ctx\.continueAsNew\(state\).*outside the history/s);
      await open(s.failed);
      expect(await overlayStates(page, api, s.failed)).toMatchObject({ validate: 'done', shipExpress: 'done', shipStandard: 'not_taken', charge: 'failed' });
      await page.click('g.node[data-state=failed]');
      await page.waitForSelector('[data-testid=step-panel] .step-event');
      expect(await page.textContent('[data-testid=step-panel]')).toContain('card declined');
      expect(await page.$$eval('[data-testid=step-panel] .step-event', (e) => e.length)).toBe(2); // the retry is an attempt of the same step
      await page.click('[data-testid=tab-timeline]');
      const bars = await page.$$eval('[data-testid=timeline] .tl-row', (rows) => rows.map((r) => r.querySelector('.tl-label')!.textContent));
      expect(bars).toEqual(['validate', 'shipExpress', 'charge', expect.stringMatching(/^timer until/), 'chargeretry 1']);
      expect(await page.$$('[data-testid=timeline] .tl-failed')).toHaveLength(2);
      await open(s.fanOut);
      expect(await overlayStates(page, api, s.fanOut)).toMatchObject({ resize: 'done', notify: 'done' });
      expect(await page.textContent('g.node[data-state=done] .ov-badge')).toBe('×3');
      await open(s.race);
      expect(await overlayStates(page, api, s.race)).toMatchObject({ reply: 'cancelled', notify: 'done' });
      await open(s.ticker);
      await page.waitForSelector('[data-testid=executions] a');
      expect(await page.$$eval('[data-testid=executions] a', (a) => a.map((x) => x.textContent))).toEqual(['#1 continued as new', '#2 continued as new', '#3 completed']);
      await open(s.waiting);
      expect(await overlayStates(page, api, s.waiting)).toMatchObject({ notify: 'done', managerDecision: 'waiting', reimburse: 'pending' });

      // XSS payloads render as text, nowhere as markup or script.
      await open(s.xss);
      expect(await overlayStates(page, api, s.xss)).toMatchObject({ echo: 'done', notify: 'not_taken', [WEIRD_ACTIVITY]: 'done' });
      expect(await page.textContent('[data-testid=diagram]')).toContain('<i>weird</i>');
      expect(await page.$$eval('[data-testid=diagram] i, [data-testid=diagram] img, [data-testid=diagram] foreignObject', (x) => x.map((e) => e.tagName + ':' + e.outerHTML.slice(0, 200)))).toEqual([]);
      expect(await page.textContent('[data-testid=instance-id]')).toBe(XSS_ID);
      expect(await page.textContent('.io')).toContain(JSON.stringify(XSS).slice(1, -1));
      await page.click('[data-testid=tab-llm]');
      await page.click('[data-testid=ledger] tbody tr');
      expect(await page.textContent('[data-testid=ledger]')).toContain(XSS);
      await page.click('[data-testid=tab-history]');
      await page.waitForSelector('[data-testid=history] tbody tr');
      await page.goto(`${running.url}#/?q=${encodeURIComponent('x-<img')}`);
      await page.waitForSelector(`tr[data-instance]`);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.$$eval('main img', (imgs) => imgs.length)).toBe(0);

      // Approve from the inbox; the instance page open in another tab completes without a reload.
      const watcher = await browser.newPage();
      await watcher.goto(`${running.url}#/instances/${encodeURIComponent(s.agent)}`);
      await watcher.waitForSelector('.instance[data-status=Running]');
      await page.goto(`${running.url}#/approvals`);
      const card = page.locator(`[data-testid=approval][data-instance="${s.agent}"]`);
      await card.waitFor();
      expect(await card.textContent()).toContain('restart_vm');
      expect(await card.textContent()).toContain('vm-7');
      expect(await card.textContent()).toContain('a reboot should clear it');
      await card.locator('[data-testid=approval-by]').fill('ana');
      await card.locator('[data-testid=approve]').click();
      await page.locator(`[data-testid=decided][data-instance="${s.agent}"]`).waitFor();
      const navigations: string[] = [];
      watcher.on('framenavigated', (f) => navigations.push(f.url()));
      await watcher.waitForSelector('.instance[data-status=Completed]', { timeout: 20_000 });
      await watcher.click('[data-testid=tab-transcript]');
      expect(await watcher.textContent('[data-testid=transcript]')).toMatch(/approved restart_vm#r1.*restart_vm#r1: \{"rebooted":"vm-7"\}/s);
      expect(await watcher.textContent('[data-testid=stop-reason]')).toContain('completed (fixed) after 2 iterations');
      expect(navigations.filter((u) => !u.includes('#'))).toEqual([]);
      const raised = (await consoleStore.readHistory(s.agent, 1)).find((e) => e.kind === 'ExternalEvent');
      expect(raised).toMatchObject({ name: 'approval:r1', data: { approved: true, decidedBy: 'ana', via: 'console' } });

      // A sub-orchestration step links to its child instance.
      await open(s.batch);
      await overlayStates(page, api, s.batch);
      const subNode = (await api.instance(s.batch)).diagram!.graph.nodes.find((n) => n.kind === 'sub_orchestration')!;
      await page.click(`g.node[data-node-id="${subNode.id}"]`);
      const childLink = page.locator('[data-testid=step-panel] a');
      await childLink.waitFor();
      expect(await childLink.textContent()).toContain(`${s.batch}::sub-`);

      // Raise an event: the JSON editor refuses invalid JSON before anything is sent.
      await open(s.waiting);
      await page.waitForSelector('.instance[data-status=Running]');
      await page.click('text=Raise event');
      await page.fill('[data-testid=event-name]', 'note');
      await page.fill('.json-editor', '{"text": ');
      expect(await page.isDisabled('[data-testid=event-send]')).toBe(true);
      expect(await page.textContent('[data-testid=json-check]')).not.toBe('valid JSON');
      await page.fill('.json-editor', '{"text": "<b>hi</b>"}');
      expect(await page.textContent('[data-testid=json-check]')).toBe('valid JSON');
      await page.click('[data-testid=event-send]');
      await page.waitForSelector('.dialog', { state: 'detached' });
      await expect.poll(async () => (await consoleStore.readHistory(s.waiting)).some((e) => e.kind === 'ExternalEvent' && e.name === 'note'), { timeout: 20_000 }).toBe(true);

      // Another site cannot drive the console from a browser: a form post and a no-cors fetch
      // from a page on another origin change nothing.
      const evil = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<form id=f method=post enctype=text/plain action="${running!.url}api/instances/${encodeURIComponent(s.waiting)}/cancel"><input name='{"reason":"x","a' value='":1}'></form>
          <script>fetch(${JSON.stringify(`${running!.url}api/instances/${encodeURIComponent(s.waiting)}/events`)}, { method: 'POST', mode: 'no-cors', credentials: 'include', body: '{"name":"managerDecision","data":{"approved":true}}' }).finally(() => document.getElementById('f').submit());</script>`);
      });
      await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
      const evilPage = await browser.newPage();
      await evilPage.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      await evilPage.waitForURL(/\/cancel$/);
      expect(await evilPage.textContent('body')).toMatch(/refused|JSON body/);
      await new Promise((r) => setTimeout(r, 300));
      expect((await consoleStore.getInstance(s.waiting))?.status).toBe('Running');
      expect((await consoleStore.readHistory(s.waiting)).some((e) => e.kind === 'ExternalEvent' && e.name === 'managerDecision')).toBe(false);
      await evilPage.close();
      evil.close();

      // Cancel with a reason.
      await open(s.waiting);
      await page.click('[data-testid=cancel-button]');
      await page.fill('[data-testid=cancel-reason]', 'duplicate expense');
      await page.click('[data-testid=cancel-confirm]');
      await page.waitForSelector('.instance[data-status=Cancelled]', { timeout: 20_000 });
      expect(problems).toEqual([]);

      // Token and Origin checks.
      secured = await startConsole({ store: consoleStore, host: '0.0.0.0', port: 0 });
      expect(secured.generatedToken).toBe(true);
      const base = new URL(secured.url);
      const api_ = (path: string, init?: RequestInit) => fetch(new URL(`/api/${path}`, base), init);
      expect((await api_('instances')).status).toBe(401);
      expect((await api_('instances', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const auth = { authorization: `Bearer ${secured.token}` };
      expect((await api_('instances', { headers: auth })).status).toBe(200);
      const post = (origin: string | null, extra: Record<string, string> = {}) =>
        api_(`instances/${encodeURIComponent(s.failed)}/events`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json', ...(origin ? { origin } : {}), ...extra },
          body: JSON.stringify({ name: 'poke', data: 1 }),
        });
      expect((await post('http://evil.example')).status).toBe(403);
      expect((await post(null, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
      expect((await post(`http://${base.host}`)).status).toBe(202);
      expect((await api_('instances', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{"name":"x"}' })).status).toBe(415);
      const tokenPage = await browser.newPage();
      await tokenPage.goto(secured.url);
      await tokenPage.waitForSelector('[data-testid=instances-table] tr[data-instance]');
      expect(tokenPage.url()).not.toContain('token=');
      await secured.close();
      secured = await startConsole({ store: consoleStore, port: 0, readOnly: true });
      const ro = await fetch(new URL('/api/instances', secured.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'OrderFlow' }) });
      expect(ro.status).toBe(403);
      expect((await ro.json()).error).toContain('read-only');
      const roPage = await browser.newPage();
      await roPage.goto(`${secured.url}#/instances/${encodeURIComponent(s.failed)}`);
      await roPage.waitForSelector('.instance');
      expect(await roPage.textContent('.live')).toContain('read-only');
      expect(await roPage.$$('nav a[href="#/start"]')).toHaveLength(0);
      expect(await page.$$('nav a[href="#/start"]')).toHaveLength(1);
    } finally {
      await browser?.close();
      await secured?.close();
      await running?.close();
      await runtime?.shutdown({ closeStore: true });
      await consoleStore.close().catch(() => {});
      await stores.cleanup?.();
    }
  });
}
