/**
 * Regenerates the console screenshots in docs/console/ (npm run screenshots:console): a runtime
 * on a temporary SQLite store runs the console test scenario, headless Chromium takes the pictures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startConsole } from '../../src/console/console-server.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../src/diagram/browser-render.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { runScenario, startScenarioRuntime } from '../../test/console/scenario.js';

const out = import.meta.dirname;
const dir = mkdtempSync(join(tmpdir(), 'console-shots-'));
const path = join(dir, 'duroxide.db');
const store = new SqliteStore({ path });
const runtime = await startScenarioRuntime(store);
const s = await runScenario(runtime, store);
const consoleStore = new SqliteStore({ path });
const running = await startConsole({ store: consoleStore, port: 0, prices: { '*': { inputPerMTok: 2.5, outputPerMTok: 10 } } });
const { chromium } = await import('playwright-core');
/** The whole page in one viewport (a full-page capture would paint the sticky bar mid-page). */
async function shoot(page: import('playwright-core').Page, file: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: 1440, height: Math.max(900, height) });
  await page.screenshot({ path: join(out, file) });
  await page.setViewportSize({ width: 1440, height: 900 });
}
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(running.url);
  await page.waitForSelector('tr[data-instance]');
  await shoot(page, 'instances.png');

  await page.goto(`${running.url}#/instances/${encodeURIComponent(s.failed)}`);
  await page.waitForSelector('[data-testid=diagram][data-ready=true] g.node[data-state=failed]');
  await page.click('g.node[data-state=failed]');
  await page.waitForSelector('[data-testid=step-panel] .step-event');
  await shoot(page, 'instance.png');

  await page.goto(`${running.url}#/instances/closure`);
  await page.waitForSelector('[data-testid=diagram][data-ready=true][data-for=closure] g.node[data-state=failed]');
  await shoot(page, 'instance-loop-helper.png');

  await page.goto(`${running.url}#/approvals`);
  await page.waitForSelector('[data-testid=approval]');
  await page.fill('[data-testid=approval-by]', 'ana');
  await shoot(page, 'approvals.png');
  console.log(`screenshots written to ${out}`);
} finally {
  await browser.close();
  await running.close();
  await runtime.shutdown({ closeStore: true });
  await consoleStore.close();
  rmSync(dir, { recursive: true, force: true });
}
