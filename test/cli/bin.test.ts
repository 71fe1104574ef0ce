/** The package bin (built by `npm ci` through `prepare`) runs, and `--format json` prints only the IR. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, it, type TestContext } from 'vitest';
import { requireTool } from '../support/required-tool.js';

const root = resolve(import.meta.dirname, '../..');
const bin = resolve(root, 'dist/src/cli/main.js');
const built = existsSync(bin);
const needBuild = (ctx: TestContext) => requireTool(ctx, 'the built bin (dist/src/cli/main.js)', built, '`npm ci` (prepare) or `npm run build` creates it');

it('duroxide-llm diagram --format json prints the FlowGraph IR and nothing else', (ctx) => {
  needBuild(ctx);
  const run = spawnSync(process.execPath, [bin, 'diagram', '--format', 'json', 'fixtures/order-saga.ts', 'fixtures/broken-syntax.ts'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(0);
  const doc = JSON.parse(run.stdout);
  expect(doc.orchestrations.map((o: { name: string }) => o.name)).toEqual(['OrderSaga', 'HalfWritten']);
  expect(run.stderr).toMatch(/warning: fixtures\/broken-syntax\.ts:8/);
});

it('usage errors exit 2 with the usage text', (ctx) => {
  needBuild(ctx);
  const run = spawnSync(process.execPath, [bin, 'diagram', '--format', 'png'], { cwd: root, encoding: 'utf8' });
  expect(run.status).toBe(2);
  expect(run.stderr).toContain('Usage: duroxide-llm diagram');
});
