/** The package bin (built by `npm ci` through `prepare`) runs, and `--format json` prints only the IR. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, 'dist/src/cli/main.js');
const built = existsSync(bin);
if (!built) console.warn('bin test SKIPPED: dist/ is missing; `npm ci` (prepare) or `npm run build` creates it');

it.skipIf(!built)('duroxide-llm diagram --format json prints the FlowGraph IR and nothing else', () => {
  const run = spawnSync(process.execPath, [bin, 'diagram', '--format', 'json', 'fixtures/order-saga.ts', 'fixtures/broken-syntax.ts'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(0);
  const doc = JSON.parse(run.stdout);
  expect(doc.orchestrations.map((o: { name: string }) => o.name)).toEqual(['OrderSaga', 'HalfWritten']);
  expect(run.stderr).toMatch(/warning: fixtures\/broken-syntax\.ts:8/);
});

it.skipIf(!built)('usage errors exit 2 with the usage text', () => {
  const run = spawnSync(process.execPath, [bin, 'diagram', '--format', 'png'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('Usage: duroxide-llm diagram');
});
