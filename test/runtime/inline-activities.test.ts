/**
 * Inline activities on a SQLite file: short activities run in their turn and are committed
 * with it (fewer store writes, the same history), and one that outlives its budget becomes
 * ordinary queued work, so the instance takes events while it still runs.
 */
import { describe, expect, it } from 'vitest';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { HistoryEvent } from '../../src/runtime/history.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';

const dir = tempDir('duroxide-inline-');

/** A SqliteStore that counts its write calls (turn commits and work acks). */
function countingStore() {
  const store = new SqliteStore({ path: tempDbPath(dir) });
  const writes = { turnCommits: 0, workAcks: 0 };
  for (const m of ['ackOrchestrationItem', 'ackOrchestrationItemAndLockWork'] as const) {
    const orig = store[m].bind(store) as (...a: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (writes.turnCommits++, orig(...a));
  }
  for (const m of ['ackWorkItem', 'ackWorkItemAndLockInstance'] as const) {
    const orig = store[m].bind(store) as (...a: unknown[]) => Promise<unknown>;
    (store as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (writes.workAcks++, orig(...a));
  }
  return { store, writes };
}

/** History without what differs run to run (times, call sites). */
const shape = (h: HistoryEvent[]) => h.map(({ timestampMs: _t, ...e }) => ({ ...e, site: undefined }));

async function tenSteps(inlineActivityMs: number) {
  const { store, writes } = countingStore();
  const runtime = new Runtime({ store, logger: silentLogger, inlineActivityMs });
  runtime.registerActivity('double', async (_a, i: number) => i * 2);
  runtime.registerOrchestration('ten', async (ctx) => {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += await ctx.scheduleActivity<number>('double', i);
    return sum;
  });
  await runtime.start();
  const id = await runtime.client.startOrchestration('ten', null, { instanceId: 'ten-1' });
  const info = await runtime.client.waitForOrchestration(id, { timeoutMs: 20_000 });
  const history = await runtime.client.readHistory(id);
  await runtime.shutdown({ closeStore: true });
  return { output: info.output, history, writes };
}

describe('inline activities', () => {
  it('short activities are committed with their turn: the same history in far fewer store writes', async () => {
    const queued = await tenSteps(0);
    const inline = await tenSteps(50);
    expect(inline.output).toBe(90);
    expect(shape(inline.history)).toEqual(shape(queued.history));
    // Queued: a turn commit and a work ack per activity. Inline: the first activity runs queued
    // (it is not yet known to be short); the other nine ride along with one turn.
    expect(queued.writes.turnCommits).toBe(11);
    expect(queued.writes.workAcks).toBe(10);
    expect(inline.writes.turnCommits).toBeLessThanOrEqual(3);
    expect(inline.writes.workAcks).toBeLessThanOrEqual(2);
  });

  it('an activity that outlives its budget finishes as queued work: meanwhile the instance takes events', async () => {
    const { store } = countingStore();
    const runtime = new Runtime({ store, logger: silentLogger, inlineActivityMs: 30 });
    let calls = 0;
    let finishSlow: () => void = () => {};
    const slowDone = new Promise<void>((r) => (finishSlow = r));
    // Short the first time (so it may run inline), then slow until the test lets it finish.
    runtime.registerActivity('fetch', async () => {
      if (++calls === 1) return 'fast';
      await slowDone;
      return 'slow';
    });
    runtime.registerOrchestration('fetches', async (ctx) => {
      const a = await ctx.scheduleActivity<string>('fetch');
      const b = await ctx.scheduleActivity<string>('fetch');
      const note = await ctx.waitForEvent<string>('note');
      return [a, b, note];
    });
    await runtime.start();
    const id = await runtime.client.startOrchestration('fetches', null, { instanceId: 'slow-1' });
    // The second fetch started inline, passed its 30 ms budget and was committed as work.
    for (let i = 0; i < 200 && calls < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 150));
    await runtime.client.raiseEvent(id, 'note', 'while it ran');
    // The event is recorded while the activity still runs: the instance was not held.
    let history: HistoryEvent[] = [];
    for (let i = 0; i < 200 && !history.some((e) => e.kind === 'ExternalEvent'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      history = await runtime.client.readHistory(id);
    }
    expect(history.filter((e) => e.kind === 'ExternalEvent')).toHaveLength(1);
    expect(history.filter((e) => e.kind === 'ActivityScheduled')).toHaveLength(2);
    expect(history.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(1);
    finishSlow();
    const info = await runtime.client.waitForOrchestration(id, { timeoutMs: 20_000 });
    expect(info.output).toEqual(['fast', 'slow', 'while it ran']);
    expect(calls).toBe(2); // the slow run was adopted, not run again
    await runtime.shutdown({ closeStore: true });
  });
});
