/** `duroxide-llm instances` and `approvals` against a SQLite file a runtime is writing: output, --json and exit codes. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { runScenario, startScenarioRuntime, waitFor, XSS_ID, type Scenario } from './scenario.js';

let dir: string;
let db: string;
let runtime: Runtime;
let store: SqliteStore;
let s: Scenario;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-cli-'));
  db = join(dir, 'duroxide.db');
  store = new SqliteStore({ path: db });
  runtime = await startScenarioRuntime(store);
  s = await runScenario(runtime, store);
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown({ closeStore: true });
  rmSync(dir, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c) => (stdout += c));
  err.on('data', (c) => (stderr += c));
  const code = await main([...argv, '--store', `sqlite:${db}`], out, err);
  return { code, stdout, stderr };
}

describe('instances', () => {
  it('list prints a table with counts, and --json the page', async () => {
    const human = await cli('instances', 'list');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^INSTANCE\s+NAME\s+VERSION\s+STATUS/);
    expect(human.stdout).toContain('order-declined');
    expect(human.stdout).toMatch(/Failed 1/);
    const json = await cli('instances', 'list', '--status', 'Failed', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ total: 1, instances: [{ instanceId: s.failed, status: 'Failed', error: { message: expect.stringContaining('card declined') } }] });
    const named = JSON.parse((await cli('instances', 'list', '--name', 'OrderFlow', '--json')).stdout);
    expect(named.instances.map((i: { instanceId: string }) => i.instanceId).sort()).toEqual([s.completed, s.failed].sort());
  });

  it('a payload with control characters cannot reach the terminal', async () => {
    const out = (await cli('instances', 'list', '--search', 'x-<img')).stdout;
    expect(out).toContain(XSS_ID.slice(0, 20));
    expect(out).not.toMatch(/\u001b/);
  });

  it('show and history, human and --json; unknown ids exit 3', async () => {
    const show = await cli('instances', 'show', s.completed);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/Status\s+Completed/);
    expect(show.stdout).toMatch(/shipExpress\s+activity\s+not_taken/);
    const json = JSON.parse((await cli('instances', 'show', s.ticker, '--json')).stdout);
    expect(json.executions.map((e: { outcome: string }) => e.outcome)).toEqual(['continued', 'continued', 'completed']);
    const history = JSON.parse((await cli('instances', 'history', s.completed, '--json')).stdout);
    expect(history.events[0].kind).toBe('OrchestrationStarted');
    expect((await cli('instances', 'history', s.ticker, '--execution', '1')).stdout).toContain('OrchestrationContinuedAsNew');
    const missing = await cli('instances', 'show', 'no-such-id');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('No instance "no-such-id"');
  });

  it('start prints the new instance id; a taken id exits 4', async () => {
    const started = await cli('instances', 'start', 'FanOut', '["q.png"]', '--id', 'cli-started');
    expect(started).toMatchObject({ code: 0, stdout: 'cli-started\n' });
    expect((await runtime.client.waitForOrchestration('cli-started')).output).toEqual(['q.png@2x']);
    expect((await cli('instances', 'start', 'FanOut', '[]', '--id', 'cli-started')).code).toBe(4);
  });

  it('usage errors exit 2', async () => {
    expect((await cli('instances', 'list', '--status', 'Sleeping')).code).toBe(2);
    expect((await cli('instances', 'raise', s.waiting, 'managerDecision', '{not json')).code).toBe(2);
    expect((await cli('instances', 'frobnicate')).code).toBe(2);
    expect((await main(['instances', 'list', '--store', 'mysql://x'], new PassThrough(), new PassThrough()))).toBe(2);
  });

  it('raise delivers an event; cancel cancels (with the reason in the history)', async () => {
    const raised = await cli('instances', 'raise', s.waiting, 'managerDecision', '{"approved":true}', '--json');
    expect(raised.code).toBe(0);
    expect(JSON.parse(raised.stdout)).toEqual({ ok: true, instanceId: s.waiting, event: 'managerDecision' });
    await runtime.client.waitForOrchestration(s.waiting);
    expect((await store.getInstance(s.waiting))?.output).toBe('paid');
    const id = await runtime.client.startOrchestration('ExpenseApproval', { amount: 5 });
    await waitFor(async () => (await store.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'));
    expect((await cli('instances', 'cancel', id, '--reason', 'duplicate')).code).toBe(0);
    const done = await runtime.client.waitForOrchestration(id);
    expect(done.status).toBe('Cancelled');
    expect((await store.readHistory(id)).find((e) => e.kind === 'OrchestrationCancelRequested')).toMatchObject({ reason: 'duplicate' });
  });
});

describe('approvals', () => {
  it('lists the pending agent action; a wrong action exits 4; approve completes the run', async () => {
    const list = await cli('approvals');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/agent-vm-7\s+r1\s+restart_vm\s+\{"vm":"vm-7"\}/);
    const json = JSON.parse((await cli('approvals', 'list', '--json')).stdout);
    expect(json.waits).toHaveLength(1);
    expect((await cli('approvals', 'reject', s.agent, 'r1')).code).toBe(2); // a rejection needs --reason
    expect((await cli('approvals', 'approve', s.agent, 'r9')).code).toBe(4);
    expect((await cli('approvals', 'approve', 'nobody', 'r1')).code).toBe(3);
    const ok = await cli('approvals', 'approve', s.agent, 'r1', '--by', 'ana', '--reason', 'change window', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).decision).toMatchObject({ approved: true, decidedBy: 'ana', via: 'cli', reason: 'change window' });
    await runtime.client.waitForOrchestration(s.agent);
    expect((await cli('approvals')).stdout).toContain('Nothing is waiting for approval.');
  });
});
