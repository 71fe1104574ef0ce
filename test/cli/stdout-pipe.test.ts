/**
 * The CLI as a process behind a real pipe: more than 64 KiB of `--format json` reaches a reader
 * that drains slowly, a closed pipe (`| head`) ends the command quietly, and a write error
 * (stdout on /dev/full) exits non-zero.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { FIXTURES, makeProject } from '../diagram/diagram-project.js';

const repo = resolve(import.meta.dirname, '../..');
const cliArgs = ['--import', import.meta.resolve('tsx'), join(repo, 'src/cli/main.ts'), 'diagram', '--format', 'json'];

/** A project whose IR is well over 64 KiB: 80 copies of the saga under different names. */
function bigProject(): string {
  const saga = readFileSync(join(FIXTURES, 'order-saga.ts'), 'utf8');
  const files: Record<string, string> = {};
  for (let i = 0; i < 80; i++) files[`src/saga-${i}.ts`] = saga.replace("name: 'OrderSaga'", `name: 'OrderSaga${i}'`).replace(/class (OrderSaga|OrderActivities)\b/g, `class $1${i}`);
  return makeProject([], files);
}

it('a reader that drains slowly gets all of the JSON (> 64 KiB), and the exit code is 0', { timeout: 60_000 }, async () => {
  const root = bigProject();
  const child = spawn(process.execPath, cliArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pause();
  // Let the command finish its work and fill the pipe before reading anything.
  await new Promise((r) => setTimeout(r, 3000));
  const chunks: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stdout.resume();
  const code = await new Promise<number | null>((r) => child.on('close', r));
  const text = Buffer.concat(chunks).toString('utf8');
  expect(text.length).toBeGreaterThan(64 * 1024);
  expect(JSON.parse(text).orchestrations).toHaveLength(80);
  expect(code).toBe(0);
});

it('a reader that closes the pipe early (| head) ends the command quietly', { timeout: 60_000 }, async () => {
  const root = bigProject();
  const run = spawnSync('sh', ['-c', `"${process.execPath}" ${cliArgs.map((a) => `'${a}'`).join(' ')} | head -c 100 > /dev/null; echo "status=\${PIPESTATUS:-0}"`], { cwd: root, encoding: 'utf8' });
  expect(run.stderr).not.toMatch(/Error|could not write/);
  expect(run.status).toBe(0);
});

it.skipIf(!existsSync('/dev/full'))('a write error exits non-zero with a message', { timeout: 60_000 }, () => {
  const root = bigProject();
  const run = spawnSync('sh', ['-c', `"${process.execPath}" ${cliArgs.map((a) => `'${a}'`).join(' ')} > /dev/full`], { cwd: root, encoding: 'utf8' });
  expect(run.status).not.toBe(0);
  expect(run.stderr).toMatch(/could not write the output|ENOSPC/);
});
