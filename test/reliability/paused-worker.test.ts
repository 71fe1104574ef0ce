/**
 * Fencing: a worker frozen (SIGSTOP) longer than its lease, after it locked an activity or an
 * LLM call, wakes up (SIGCONT) after another worker has run that work and recorded it. It
 * must not start the activity or send the LLM request again; one frozen mid-activity sees
 * its AbortSignal fire and its late completion is refused. On SQLite and PostgreSQL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startLoopbackServer, wire } from '../llm/loopback-server.js';
import { storeKinds } from '../support/store-matrix.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { DATABASE_URL } from '../store/postgres-connection.js';

const workerPath = join(import.meta.dirname, 'paused-worker.ts');
const dir = tempDir('duroxide-pause-');
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

interface Worker {
  child: ChildProcess;
  exited: Promise<number | null>;
}

function spawnWorker(store: string, effects: string, llmURL: string, mode: string, env: Record<string, string> = {}): Worker {
  const base = { ...process.env };
  delete base.DUROXIDE_KILL_AT;
  delete base.DUROXIDE_PAUSE_AT;
  const child = spawn(process.execPath, ['--import', 'tsx', workerPath, store, effects, llmURL, mode], {
    env: { ...base, DATABASE_URL, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(code) : reject(new Error(`worker exited ${code}: ${stderr}`))));
  });
  return { child, exited };
}

/** Waits until the process is stopped (state T in /proc), i.e. it froze itself at its pause point. */
async function stopped(pid: number): Promise<void> {
  for (let i = 0; i < 1500; i++) {
    if (!existsSync(`/proc/${pid}/stat`)) throw new Error(`process ${pid} exited before it paused`);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('T')) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`process ${pid} never paused`);
}

const lines = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').filter(Boolean) : []);

const kinds = storeKinds.filter((k) => k.name !== 'MemoryStore');
let n = 0;
const schemas: string[] = [];
afterAll(async () => {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

for (const kind of kinds) {
  describe.skipIf(kind.skip)(`a worker paused past its lease (${kind.name})`, () => {
    function newStore(): { spec: string; open: () => Store } {
      if (kind.name === 'SqliteStore') {
        const path = tempDbPath(dir);
        return { spec: `sqlite:${path}`, open: () => new SqliteStore({ path }) };
      }
      const schema = `dx_pause_${process.pid}_${n++}`;
      schemas.push(schema);
      return { spec: `postgres:${schema}`, open: () => new PostgresStore({ connectionString: DATABASE_URL, schema }) };
    }

    async function history(open: () => Store, id: string) {
      const store = open();
      await store.init();
      const h = await store.readHistory(id);
      await store.close();
      return h;
    }

    it('never starts an activity that another worker ran and recorded while it was frozen', async () => {
      const { spec, open } = newStore();
      const effects = join(dir, `effects-${n++}.txt`);
      const frozen = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'start:chain:2', { DUROXIDE_PAUSE_AT: 'before-activity-run:3' });
      await stopped(frozen.child.pid!);
      // What the frozen worker had recorded: those steps must never run again.
      const recordedAtFreeze = new Set<string>();
      for (const id of ['chain-0', 'chain-1']) {
        for (const e of await history(open, id)) if (e.kind === 'ActivityCompleted') recordedAtFreeze.add(`${id}|${e.result}`);
      }
      const rescuer = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'resume');
      await rescuer.exited;
      const beforeWaking = lines(effects).length;
      frozen.child.kill('SIGCONT');
      await frozen.exited;
      // Woken past its lease, the frozen worker starts nothing: the rescuer ran and recorded it all.
      expect(lines(effects).slice(beforeWaking)).toEqual([]);
      const runs = new Map<string, string[]>();
      for (const l of lines(effects)) {
        const [pid, id, step] = l.split('|');
        runs.set(`${id}|${step}`, [...(runs.get(`${id}|${step}`) ?? []), pid]);
      }
      expect(runs.size).toBe(6);
      expect(recordedAtFreeze.size).toBeGreaterThan(0);
      for (const [step, pids] of runs) {
        if (recordedAtFreeze.has(step)) expect(pids, `${step} was recorded, yet ran ${pids.length} times`).toHaveLength(1);
        // Otherwise twice at most: by the frozen worker, whose ack was still pending, then by the rescuer.
        else if (pids.length > 1) expect(pids).toEqual([String(frozen.child.pid), expect.not.stringMatching(`^${frozen.child.pid}$`)]);
      }
      for (const id of ['chain-0', 'chain-1']) {
        const h = await history(open, id);
        expect(h.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(3);
        expect(h.filter((e) => e.kind === 'OrchestrationCompleted')).toHaveLength(1);
      }
    });

    it('never sends an LLM request that another worker answered and recorded while it was frozen', async () => {
      const server = await startLoopbackServer((_r, i) => ({ body: wire.openai(`answer-${i + 1}`) }));
      try {
        const { spec, open } = newStore();
        const effects = join(dir, `effects-${n++}.txt`);
        const url = `${server.url}/v1`;
        const frozen = spawnWorker(spec, effects, url, 'start:asks:1', { DUROXIDE_PAUSE_AT: 'before-llm-call:2' });
        await stopped(frozen.child.pid!);
        const rescuer = spawnWorker(spec, effects, url, 'resume');
        await rescuer.exited;
        frozen.child.kill('SIGCONT');
        await frozen.exited; // settled: anything it would still send has been sent
        const prompts = server.calls.map((c) => c.body.messages.at(-1).content);
        expect(prompts).toEqual(['first question', 'second question']);
        const h = await history(open, 'asks-0');
        expect(h.filter((e) => e.kind === 'LlmCompleted')).toHaveLength(2);
        expect(h.find((e) => e.kind === 'OrchestrationCompleted')).toMatchObject({ output: ['answer-1', 'answer-2'] });
      } finally {
        await server.close();
      }
    });

    for (const point of ['before-activity-ack:2', 'before-turn-ack:3']) {
      it(`frozen at ${point} past its lease: its late commit is refused, and every turn and completion is recorded once`, async () => {
        const { spec, open } = newStore();
        const effects = join(dir, `effects-${n++}.txt`);
        const frozen = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'start:chain:1', { DUROXIDE_PAUSE_AT: point });
        await stopped(frozen.child.pid!);
        const rescuer = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'resume');
        await rescuer.exited;
        frozen.child.kill('SIGCONT');
        await frozen.exited;
        const h = await history(open, 'chain-0');
        expect(h.map((e) => e.eventId)).toEqual(h.map((_, i) => i + 1)); // no event written twice
        expect(h.filter((e) => e.kind === 'ActivityScheduled')).toHaveLength(3);
        expect(h.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(3);
        expect(h.filter((e) => e.kind === 'OrchestrationCompleted')).toEqual([expect.objectContaining({ output: 3 })]);
        const runs = lines(effects).map((l) => l.split('|')[2]);
        // At least once: only an activity whose completion was not recorded may run again.
        expect(runs.filter((s) => s === '0')).toHaveLength(1);
        expect(runs.filter((s) => s === '2')).toHaveLength(1);
        expect(runs.filter((s) => s === '1').length).toBe(point.startsWith('before-activity-ack') ? 2 : 1);
      });
    }

    describe('with inline activities (100 ms)', () => {
      const inline = { INLINE_ACTIVITY_MS: '100' };
      it('frozen before an inline activity past its lease: on waking it starts nothing, and every event is recorded once', async () => {
        const { spec, open } = newStore();
        const effects = join(dir, `effects-${n++}.txt`);
        // Step 0 runs queued (not yet known to be short); steps 1 and 2 run inline in one turn.
        const frozen = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'start:chain:1', { ...inline, DUROXIDE_PAUSE_AT: 'before-activity-run:2' });
        await stopped(frozen.child.pid!);
        const rescuer = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'resume', inline);
        await rescuer.exited;
        const beforeWaking = lines(effects).length;
        frozen.child.kill('SIGCONT');
        await frozen.exited;
        expect(lines(effects).slice(beforeWaking)).toEqual([]);
        const h = await history(open, 'chain-0');
        expect(h.map((e) => e.eventId)).toEqual(h.map((_, i) => i + 1));
        expect(h.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(3);
        expect(h.filter((e) => e.kind === 'OrchestrationCompleted')).toEqual([expect.objectContaining({ output: 3 })]);
        expect(lines(effects).map((l) => l.split('|')[2])).toEqual(['0', '1', '2']);
      });

      it('frozen after an inline activity ran, before its turn was committed: the late commit is refused; only that unrecorded activity runs again', async () => {
        const { spec, open } = newStore();
        const effects = join(dir, `effects-${n++}.txt`);
        const frozen = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'start:chain:1', { ...inline, DUROXIDE_PAUSE_AT: 'before-turn-ack:2' });
        await stopped(frozen.child.pid!);
        const rescuer = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'resume', inline);
        await rescuer.exited;
        frozen.child.kill('SIGCONT');
        await frozen.exited;
        const h = await history(open, 'chain-0');
        expect(h.map((e) => e.eventId)).toEqual(h.map((_, i) => i + 1)); // no event written twice
        expect(h.filter((e) => e.kind === 'ActivityCompleted')).toHaveLength(3);
        expect(h.filter((e) => e.kind === 'OrchestrationCompleted')).toEqual([expect.objectContaining({ output: 3 })]);
        const runs = lines(effects).map((l) => l.split('|').slice(0, 3).join('|'));
        const byStep = (step: string) => runs.filter((r) => r.endsWith(`|${step}`));
        expect(byStep('0')).toHaveLength(1); // recorded before the freeze
        // Steps 1 and 2 ran inline in the frozen worker's uncommitted turn, then once more by the rescuer.
        for (const step of ['1', '2']) {
          expect(byStep(step).map((r) => r.split('|')[0])).toEqual([String(frozen.child.pid), String(rescuer.child.pid)]);
        }
      });
    });

    it('frozen in the middle of an activity: its AbortSignal fires on waking and its late result is refused', async () => {
      const { spec, open } = newStore();
      const effects = join(dir, `effects-${n++}.txt`);
      const frozen = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'start:long-one:1', { PAUSE_IN_ACTIVITY: '1' });
      await stopped(frozen.child.pid!);
      const rescuer = spawnWorker(spec, effects, 'http://127.0.0.1:1/v1', 'resume');
      await rescuer.exited;
      frozen.child.kill('SIGCONT');
      await frozen.exited;
      const frozenLines = lines(effects).filter((l) => l.startsWith(`${frozen.child.pid}|`));
      expect(frozenLines).toEqual([`${frozen.child.pid}|long-one-0|long-start`, `${frozen.child.pid}|long-one-0|long-end|aborted=true`]);
      const h = await history(open, 'long-one-0');
      expect(h.filter((e) => e.kind === 'ActivityCompleted')).toEqual([expect.objectContaining({ result: rescuer.child.pid })]);
    });
  });
}
