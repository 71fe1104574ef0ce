/**
 * SIGKILL in the middle of an agent iteration, then a restart: the run resumes without
 * repeating recorded tool calls or LLM calls.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';
import { startLoopbackServer, wire } from '../llm/loopback-server.js';

const worker = join(import.meta.dirname, 'agent-crash-worker.ts');
const plans = [
  { thought: 'look', actions: [{ tool: 'get_metrics', params: { vm: 'vm-123' }, id: 'm' }, { tool: 'get_logs', params: { vm: 'vm-123' }, id: 'l' }], parallel: true, done: false },
  { thought: 'restart', actions: [{ tool: 'restart_container', params: { vm: 'vm-123' }, id: 'r' }], parallel: false, done: false },
  { thought: 'done', actions: [], parallel: false, done: true, done_reason: 'fixed', summary: 'Restarted the container' },
];

function run(args: string[], killAt?: string): Promise<{ signal: string | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.DUROXIDE_KILL_AT;
    if (killAt) env.DUROXIDE_KILL_AT = killAt;
    const child = spawn(process.execPath, ['--import', 'tsx', worker, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve({ signal, stdout }) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

it('a SIGKILL mid-iteration resumes without repeating recorded tool calls or LLM calls', async () => {
  // The n-th planning call gets the n-th plan: a repeated call would shift every later answer.
  const server = await startLoopbackServer((_r, i) => ({ body: wire.openai(JSON.stringify(plans[Math.min(i, plans.length - 1)])) }));
  try {
    const dir = tempDir('duroxide-agent-crash-');
    const args = [join(dir, 'agent.db'), join(dir, 'effects.txt'), `${server.url}/v1`];
    // Both tools of iteration 1 have finished and the second completion is recorded: die there.
    const crashed = await run(args, 'after-activity-ack:2');
    expect(crashed.signal).toBe('SIGKILL');
    expect(server.calls).toHaveLength(1);
    const resumed = await run(args);
    expect(JSON.parse(resumed.stdout.trim())).toMatchObject({ doneReason: 'completed', iterations: 3, summary: 'Restarted the container' });
    expect(server.calls).toHaveLength(3);
    const effects = readFileSync(join(dir, 'effects.txt'), 'utf8').trim().split('\n');
    expect(effects.map((l) => l.split('|')[0]).sort()).toEqual(['get_logs', 'get_metrics', 'restart_container']);
  } finally {
    await server.close();
  }
});
