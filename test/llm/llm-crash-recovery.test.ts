/**
 * Durability of LLM calls: SIGKILL after an LlmCompleted is recorded but before the
 * orchestration finishes; after a restart the model is not called again (counted at the
 * loopback server) and the orchestration uses the recorded answer.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';
import { startLoopbackServer, wire } from './loopback-server.js';

const worker = join(import.meta.dirname, 'llm-crash-worker.ts');

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
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve({ signal, stdout }) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

it('a recorded LLM answer is never requested again after a SIGKILL', async () => {
  const server = await startLoopbackServer((_r, i) => ({ body: wire.openai(`colour-${i + 1}`) }));
  try {
    const db = join(tempDir('duroxide-llm-crash-'), 'llm.db');
    // Turn 1 records LlmRequested; turn 2 records LlmCompleted (and schedules the activity): die right after it.
    const crashed = await run(db, `${server.url}/v1`, 'after-turn-ack:2');
    expect(crashed.signal).toBe('SIGKILL');
    expect(server.calls).toHaveLength(1);
    const resumed = await run(db, `${server.url}/v1`);
    expect(JSON.parse(resumed.stdout.trim())).toEqual({ answer: 'colour-1', used: 'used colour-1' });
    expect(server.calls).toHaveLength(1);
  } finally {
    await server.close();
  }
});
