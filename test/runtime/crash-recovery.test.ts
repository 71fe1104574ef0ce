/**
 * Crashes at named points (SIGKILL via DUROXIDE_KILL_AT), then a new process on the same
 * SQLite file: every orchestration completes once, and no recorded activity runs again.
 * "Recorded" is read from the file right after the crash: an activity whose completion was
 * committed never runs again; one whose completion was not yet committed (its ack pending in
 * a group commit, or not sent) runs again, once.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDir } from '../support/temp-paths.js';

const dir = tempDir('duroxide-crash-');
const worker = join(import.meta.dirname, 'crash-worker.ts');

/** Inline activities (INLINE_ACTIVITY_MS) in the worker, or queued ones only. */
let inlineMs = 0;

function runWorker(db: string, effects: string, mode: string, killAt?: string): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, INLINE_ACTIVITY_MS: String(inlineMs) };
    delete env.DUROXIDE_KILL_AT;
    if (killAt) env.DUROXIDE_KILL_AT = killAt;
    const child = spawn(process.execPath, ['--import', 'tsx', worker, db, effects, mode], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`worker exited ${code}: ${stderr}`));
      else resolve({ code, signal });
    });
  });
}

function effectLines(effects: string): string[] {
  return existsSync(effects) ? readFileSync(effects, 'utf8').trim().split('\n').filter(Boolean) : [];
}

async function inspect(db: string) {
  const store = new SqliteStore({ path: db });
  await store.init();
  const instances = await store.listInstances();
  const histories = await Promise.all(instances.map((i) => store.readHistory(i.instanceId)));
  await store.close();
  return { instances, histories };
}

let n = 0;
async function crashThenRecover(killAt: string) {
  const db = join(dir, `crash-${n}.db`);
  const effects = join(dir, `effects-${n++}.txt`);
  const crashed = await runWorker(db, effects, 'start:chain:3', killAt);
  expect(crashed.signal).toBe('SIGKILL');
  const atCrash = await inspect(db);
  // Each activity returns its step: the completions committed before the crash.
  const recorded = new Set(
    atCrash.histories.flatMap((h, i) => h.flatMap((e) => (e.kind === 'ActivityCompleted' ? [`${atCrash.instances[i].instanceId}|${e.result}`] : []))),
  );
  const ranBeforeCrash = new Set(effectLines(effects).map((l) => l.split('|').slice(0, 2).join('|')));
  const recovered = await runWorker(db, effects, 'resume');
  expect(recovered.code).toBe(0);
  const { instances, histories } = await inspect(db);
  expect(instances.map((i) => i.status)).toEqual(['Completed', 'Completed', 'Completed']);
  for (const h of histories) {
    expect(h.filter((e) => e.kind === 'OrchestrationCompleted')).toHaveLength(1);
    expect(h.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(4);
  }
  return { lines: effectLines(effects), instances, recorded, ranBeforeCrash };
}

/** Recorded steps ran once; any other step ran at most twice (before the crash and after). */
function expectRecordedRanOnce(runs: Map<string, number>, recorded: Set<string>): [string, number][] {
  expect(runs.size).toBe(12);
  expect(recorded.size).toBeGreaterThan(0); // the crash came after some work was recorded
  for (const step of recorded) expect(runs.get(step)).toBe(1);
  const repeated = [...runs.entries()].filter(([, c]) => c > 1);
  for (const [step, count] of repeated) {
    expect(recorded.has(step)).toBe(false);
    expect(count).toBe(2);
  }
  return repeated;
}

/** Effects per instance and step: how many times each activity really ran. */
function runsPerStep(lines: string[]): Map<string, number> {
  const runs = new Map<string, number>();
  for (const l of lines) {
    const [id, step] = l.split('|');
    runs.set(`${id}|${step}`, (runs.get(`${id}|${step}`) ?? 0) + 1);
  }
  return runs;
}

describe('crash recovery', () => {
  for (const point of ['after-activity-ack:4', 'before-turn-ack:8', 'after-turn-ack:8']) {
    it(`a crash between turns (${point}): a new process completes every orchestration and no recorded activity runs again`, async () => {
      const { lines, recorded } = await crashThenRecover(point);
      expectRecordedRanOnce(runsPerStep(lines), recorded);
    });
  }

  it('a worker killed before its activity completion is recorded: the activity runs again after the lock expires, and the orchestration completes once', async () => {
    const { lines, recorded, ranBeforeCrash } = await crashThenRecover('before-activity-ack:6');
    const repeated = expectRecordedRanOnce(runsPerStep(lines), recorded);
    // The activity killed before its ack (at least that one) ran again.
    expect(repeated.length).toBeGreaterThan(0);
    for (const [step] of repeated) {
      expect(ranBeforeCrash.has(step)).toBe(true);
      // The second run is a later delivery attempt of the same work item.
      const again = lines.filter((l) => l.startsWith(step + '|'));
      expect(again.map((l) => Number(l.split('|')[2]))).toEqual([1, 2]);
    }
  });

  describe('with inline activities (50 ms)', () => {
    beforeAll(() => void (inlineMs = 50));
    afterAll(() => void (inlineMs = 0));
    // The chain's later activities run inline: killed after one ran, before its turn was committed, it runs again once.
    for (const point of ['before-activity-ack:4', 'before-turn-ack:6', 'after-turn-ack:6']) {
      it(`a crash at ${point}: every orchestration completes once, no recorded activity runs again`, async () => {
        const { lines, recorded } = await crashThenRecover(point);
        expectRecordedRanOnce(runsPerStep(lines), recorded);
      });
    }
    it('poison: an activity that crashes its worker is never run inline, so it is still delivered maxAttempts times', async () => {
      await expectActivityPoison('activity-poison-inline');
    });
  });

  it('poison: an activity that keeps crashing its worker is delivered maxAttempts times, then fails with a catchable PoisonMessageError', async () => {
    await expectActivityPoison('activity-poison');
  });

  async function expectActivityPoison(name: string) {
    const db = join(dir, `${name}.db`);
    const effects = join(dir, `${name}-effects.txt`);
    let last = await runWorker(db, effects, 'start:calls-a-killer:1');
    let deliveries = last.signal === 'SIGKILL' ? 1 : 0;
    for (let i = 0; i < 8 && last.signal === 'SIGKILL'; i++) {
      await new Promise((r) => setTimeout(r, 350)); // let the lease (300 ms) expire
      last = await runWorker(db, effects, 'resume');
      if (last.signal === 'SIGKILL') deliveries++;
    }
    expect(last.code).toBe(0);
    expect(deliveries).toBe(3); // maxAttempts 3: three deliveries ran it, the fourth refused to
    const { instances } = await inspect(db);
    expect(instances[0].status).toBe('Completed');
    expect(instances[0].output).toContain('PoisonMessageError');
    expect(instances[0].output).toContain('was delivered 4 times; the first 3 deliveries never finished');
  }

  it('poison: a turn that keeps crashing the worker fails the instance after maxAttempts', async () => {
    const db = join(dir, 'poison.db');
    const effects = join(dir, 'poison-effects.txt');
    let last = await runWorker(db, effects, 'start:suicidal:1');
    for (let i = 0; i < 6 && last.signal === 'SIGKILL'; i++) {
      await new Promise((r) => setTimeout(r, 350)); // let the lease (300 ms) expire
      last = await runWorker(db, effects, 'resume');
    }
    expect(last.code).toBe(0);
    const { instances } = await inspect(db);
    expect(instances[0].status).toBe('Failed');
    expect(instances[0].error?.name).toBe('PoisonMessageError');
    expect(instances[0].error?.message).toContain('maxAttempts 3');
  });
});
