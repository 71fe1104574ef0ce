/**
 * `duroxide-llm diagram --diff <ref>` in a temporary git repository: per changed orchestration
 * what was added, removed and rewired, before/after diagrams as Markdown, exit 1 on a change.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { diagramCli as cli } from './run-diagram-cli.js';
import { makeProject } from '../diagram/diagram-project.js';


function gitRepo(): string {
  const root = makeProject(['order-saga.ts', 'approval.ts', 'sequential.ts']);
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=T', ...args], { cwd: root, stdio: 'ignore' });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'v1');
  return root;
}

it('prints what changed per orchestration, with before/after diagrams, and exits 1', async () => {
  const root = gitRepo();
  const file = join(root, 'src/order-saga.ts');
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('notifyCustomer', order.id);\n    await ctx.scheduleActivity('shipOrder', order.id);")
      .replace("await ctx.scheduleActivity('releaseInventory', reservation);\n", ''),
  );
  rmSync(join(root, 'src/sequential.ts'));
  const run = await cli(root, '--diff', 'HEAD', '--llm', 'off');
  expect(run.code).toBe(1);
  const md = run.stdout;
  expect(md).toContain('## Orchestration flows changed since `HEAD`');
  expect(md).toContain('### OrderSaga (changed, `src/order-saga.ts`)');
  expect(md).toContain('- added activity `notifyCustomer`');
  expect(md).toContain('- removed activity `Release inventory`');
  expect(md).toContain('- rewired: new arrow notifyCustomer -> shipOrder');
  expect(md).toContain('- rewired: no more arrow Release inventory -> fails');
  expect(md).toContain('### Onboarding (removed');
  expect(md).not.toContain('ExpenseApproval'); // unchanged
  expect(md.match(/```mermaid/g)?.length).toBe(3); // OrderSaga before and after, Onboarding before
  expect(md).toContain('<summary>Before (`HEAD`)</summary>');
});

it('exits 0 and says so when no flow changed', async () => {
  const root = gitRepo();
  writeFileSync(join(root, 'src/order-saga.ts'), readFileSync(join(root, 'src/order-saga.ts'), 'utf8') + '\n// a comment does not change the flow\n');
  const run = await cli(root, '--diff', 'HEAD');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('No orchestration flow changed since `HEAD`.\n');
});

it('an unknown ref fails with a message naming it', async () => {
  const root = gitRepo();
  const run = await cli(root, '--diff', 'no-such-branch');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('--diff no-such-branch');
});

it('--name of an orchestration that exists neither now nor at the ref fails', async () => {
  const root = gitRepo();
  const run = await cli(root, '--diff', 'HEAD', '--name', 'NoSuchFlow');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain('no orchestration named "NoSuchFlow" (found: ExpenseApproval, OrderSaga, Onboarding)');
});
