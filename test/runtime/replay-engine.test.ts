/** The replay engine on its own: history in, actions out, no store involved. */
import { describe, expect, it } from 'vitest';
import type { OrchestrationContext } from '../../src/runtime/context-api.js';
import type { HistoryEvent } from '../../src/runtime/history.js';
import { Replayer } from '../../src/runtime/replay-engine.js';

const T0 = 1_700_000_000_000;

function started(input: unknown = null): HistoryEvent {
  return {
    kind: 'OrchestrationStarted',
    eventId: 1,
    timestampMs: T0,
    name: 'test',
    version: '1',
    input: input as never,
    executionId: 1,
  };
}

/** Runs a fresh replay over `history` and returns the turn's output plus the full history. */
async function turn(fn: (ctx: OrchestrationContext, input: any) => Promise<unknown>, history: HistoryEvent[], persisted = history.length) {
  const r = await Replayer.start({ instanceId: 'i1', fn, history: [...history], persistedCount: persisted, nowMs: T0 + 1000 });
  const out = r.takeTurnOutput();
  return { out, history: r.history, replayer: r };
}

/** Completes every open activity of `history` with `result(name)` and returns the new events. */
function completeActivities(history: HistoryEvent[], result: (name: string, input: unknown) => unknown): HistoryEvent[] {
  const done = new Set(history.flatMap((e) => ('sourceEventId' in e ? [e.sourceEventId] : [])));
  let next = history[history.length - 1].eventId + 1;
  const out: HistoryEvent[] = [];
  for (const e of history) {
    if (e.kind === 'ActivityScheduled' && !done.has(e.eventId)) {
      out.push({ kind: 'ActivityCompleted', eventId: next++, timestampMs: T0 + 2000, sourceEventId: e.eventId, result: result(e.name, e.input) as never });
    }
  }
  return out;
}

const sequential = async (ctx: OrchestrationContext, input: number) => {
  const a = await ctx.scheduleActivity<number>('double', input);
  const b = await ctx.scheduleActivity<number>('double', a);
  return b + 1;
};

describe('replay engine', () => {
  it('schedules the first activity on the first turn', async () => {
    const { out } = await turn(sequential, [started(3)], 0);
    expect(out.workItems).toHaveLength(1);
    expect(out.workItems[0]).toMatchObject({ kind: 'ExecuteActivity', name: 'double', input: 3, eventId: 2 });
    expect(out.outcome).toBeNull();
  });

  it('runs sequential activities to completion across turns and replays to the same result', async () => {
    let history = [started(3)];
    for (let i = 0; i < 3; i++) {
      const { out, history: h } = await turn(sequential, history, history.length - (i === 0 ? 1 : 0));
      history = h;
      if (out.outcome) {
        expect(out.outcome).toEqual({ kind: 'completed', output: 13 });
        break;
      }
      history = [...history, ...completeActivities(history, (_n, x) => (x as number) * 2)];
    }
    expect(history.at(-1)?.kind).toBe('OrchestrationCompleted');
  });

  it('fails with NondeterminismError naming the event when code schedules a different activity', async () => {
    const { history } = await turn(sequential, [started(3)], 0);
    // Same input as recorded (3), so only the name differs.
    const changed = async (ctx: OrchestrationContext, input: number) => ctx.scheduleActivity('triple', input);
    const { out } = await turn(changed, history);
    expect(out.outcome?.kind).toBe('failed');
    const err = (out.outcome as { error: { name: string; message: string } }).error;
    expect(err.name).toBe('NondeterminismError');
    expect(err.message).toContain('history event #2 is ActivityScheduled "double"');
    expect(err.message).toContain('scheduleActivity("triple")');
    expect(err.message).toContain('it scheduled activity "triple" instead of "double"');
    expect(out.workItems).toEqual([]);
  });

  it('race between an activity and a timer picks the earliest completion in history, on every replay', async () => {
    const fn = async (ctx: OrchestrationContext) => {
      const r = await ctx.race(ctx.scheduleActivity('slow'), ctx.scheduleTimer(10));
      return r.index;
    };
    const { history } = await turn(fn, [started()], 0);
    const timer = history.find((e) => e.kind === 'TimerCreated')!;
    const act = history.find((e) => e.kind === 'ActivityScheduled')!;
    const timerFirst: HistoryEvent[] = [
      ...history,
      { kind: 'TimerFired', eventId: 4, timestampMs: T0 + 20, sourceEventId: timer.eventId, fireAtMs: T0 + 10 },
      { kind: 'ActivityCompleted', eventId: 5, timestampMs: T0 + 30, sourceEventId: act.eventId, result: 'x' },
    ];
    for (let i = 0; i < 3; i++) {
      const { out } = await turn(fn, timerFirst, 3);
      expect(out.outcome).toEqual({ kind: 'completed', output: 1 });
    }
  });
});
