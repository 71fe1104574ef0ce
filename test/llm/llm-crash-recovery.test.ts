/**
 * Durability of LLM calls: SIGKILL at named points of an orchestration that asks the model
 * twice; after a restart, the loopback server has seen exactly the requests that were not
 * recorded yet (counted after the restarted process has no work left), and the orchestration
 * uses the recorded answers.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';
import { startLoopbackServer, wire } from './loopback-server.js';

const worker = join(import.meta.dirname, 'llm-crash-worker.ts');
const dir = tempDir('duroxide-llm-crash-');

function run(db: string, baseURL: string, killAt?: string): Promise<{ signal: string | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DUROXIDE_KILL_AT;
    if (killAt) env.DUROXIDE_KILL_AT = killAt;
    const child = spawn(process.execPath, ['--import', 'tsx', worker, db, baseURL], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 || signal === 'SIGKILL') resolve({ signal, stdout });
      else reject(new Error(`exit ${code}: ${stderr}`));
    });
  });
}

function inspect(db: string) {
  const sqlite = new Database(db, { readonly: true });
  const kinds = (sqlite.prepare('SELECT event FROM history ORDER BY event_id').all() as { event: string }[]).map((r) => JSON.parse(r.event).kind as string);
  const left = (sqlite.prepare('SELECT (SELECT count(*) FROM work_queue) + (SELECT count(*) FROM orchestrator_queue) AS n').get() as { n: number }).n;
  sqlite.close();
  return { kinds, left };
}

const prompt = (body: { messages: { content: string }[] }) => body.messages.at(-1)!.content;

// Turns: 1 start -> ask colour; 2 colour answered -> activity; 3 activity done -> ask fruit;
// 4 fruit answered -> timer; 5 timer -> complete.
const cases: { killAt: string; requests: string[]; output: object }[] = [
  // Recorded before the crash: never asked again.
  { killAt: 'after-llm-ack:1', requests: ['Name a colour', 'Name a fruit'], output: { colour: 'answer-1', fruit: 'answer-2' } },
  { killAt: 'after-turn-ack:2', requests: ['Name a colour', 'Name a fruit'], output: { colour: 'answer-1', fruit: 'answer-2' } },
  { killAt: 'after-activity-ack:1', requests: ['Name a colour', 'Name a fruit'], output: { colour: 'answer-1', fruit: 'answer-2' } },
  { killAt: 'after-llm-ack:2', requests: ['Name a colour', 'Name a fruit'], output: { colour: 'answer-1', fruit: 'answer-2' } },
  { killAt: 'before-turn-ack:4', requests: ['Name a colour', 'Name a fruit'], output: { colour: 'answer-1', fruit: 'answer-2' } },
  // Answered but not recorded: asked once more (at least once), and the second answer is used.
  { killAt: 'before-llm-ack:1', requests: ['Name a colour', 'Name a colour', 'Name a fruit'], output: { colour: 'answer-2', fruit: 'answer-3' } },
];

describe('LLM crash recovery', () => {
  for (const c of cases) {
    it(`killed at ${c.killAt}: the server sees exactly ${c.requests.length} requests and a recorded answer is never requested again`, async () => {
      const server = await startLoopbackServer((_r, i) => ({ body: wire.openai(`answer-${i + 1}`) }));
      try {
        const db = join(dir, `${c.killAt.replace(':', '-')}.db`);
        const crashed = await run(db, `${server.url}/v1`, c.killAt);
        expect(crashed.signal).toBe('SIGKILL');
        const resumed = await run(db, `${server.url}/v1`);
        expect(resumed.signal).toBeNull();
        expect(JSON.parse(resumed.stdout.trim())).toEqual({ ...c.output, used: `used ${(c.output as { colour: string }).colour}` });
        expect(server.calls.map((call) => prompt(call.body))).toEqual(c.requests);
        const { kinds, left } = inspect(db);
        expect(left).toBe(0); // the restarted process settled: nothing was still on its way
        expect(kinds.filter((k) => k === 'LlmRequested')).toHaveLength(2);
        expect(kinds.filter((k) => k === 'LlmCompleted')).toHaveLength(2);
        expect(kinds.filter((k) => k === 'OrchestrationCompleted')).toHaveLength(1);
      } finally {
        await server.close();
      }
    });
  }
});
