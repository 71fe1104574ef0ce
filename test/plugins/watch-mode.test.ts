/**
 * Watch mode: editing an orchestration rebuilds its diagram module, with Rollup's and
 * webpack's own watchers (Vite's HMR has its own test). Builds run one after another.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import rollupPlugin from '../../plugins/rollup.js';
import webpackPlugin from '../../plugins/webpack.js';
import { makeProject } from '../diagram/diagram-project.js';

const MAIN = "import saga from '~duroxide/diagrams/order-saga';\nconsole.log(saga);\n";
const opts = (root: string) => ({ cwd: root, llm: 'off' as const, outputDir: false as const, dtsFile: false as const });

/** Adds a step to the saga, as an editor would save it. */
function edit(root: string): void {
  const file = join(root, 'src/order-saga.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
}

/** The first of the next few builds whose output shows the edit (a watcher may also rebuild for other reasons). */
async function rebuiltWithEdit(next: () => Promise<string>): Promise<string> {
  let last = '';
  for (let i = 0; i < 5 && !last.includes('notifyCustomer'); i++) last = await next();
  return last;
}

/** Resolves with the output of each build the watcher finishes, in order. */
function builds<T>(): { next: () => Promise<T>; push: (x: T) => void } {
  const done: T[] = [];
  const waiting: ((x: T) => void)[] = [];
  return {
    push: (x) => (waiting.length ? waiting.shift()!(x) : done.push(x)),
    next: () => (done.length ? Promise.resolve(done.shift()!) : new Promise<T>((r) => waiting.push(r))),
  };
}

describe('watch mode', { timeout: 120_000 }, () => {
  it('rollup: editing an orchestration rebuilds its diagram module', async () => {
    const { watch } = await import('rollup');
    const root = makeProject(['order-saga.ts'], { 'src/main.js': MAIN });
    const out = builds<string>();
    const watcher = watch({ input: join(root, 'src/main.js'), plugins: [rollupPlugin(opts(root))], output: { dir: join(root, 'dist'), format: 'es' }, watch: { buildDelay: 50 }, onwarn: () => {} });
    watcher.on('event', (e) => {
      if (e.code === 'BUNDLE_END') void e.result.close().then(() => out.push(readFileSync(join(root, 'dist/main.js'), 'utf8')));
      if (e.code === 'ERROR') out.push(`ERROR ${e.error.message}`);
    });
    try {
      const first = await out.next();
      expect(first).toContain('Reserve inventory');
      expect(first).not.toContain('notifyCustomer');
      await new Promise((r) => setTimeout(r, 300)); // let the watcher settle on the files
      edit(root);
      expect(await rebuiltWithEdit(out.next)).toContain('notifyCustomer');
    } finally {
      await watcher.close();
    }
  });

  it('webpack: editing an orchestration rebuilds its diagram module', async () => {
    const webpack = (await import('webpack')).default;
    const root = makeProject(['order-saga.ts'], { 'src/main.js': MAIN });
    const out = builds<string>();
    const compiler = webpack({ mode: 'none', context: root, entry: './src/main.js', output: { path: join(root, 'dist'), filename: 'main.js' }, plugins: [webpackPlugin(opts(root))] });
    const watching = compiler.watch({ aggregateTimeout: 50 }, (err, stats) => {
      if (err || stats?.hasErrors()) out.push(`ERROR ${err?.message ?? stats?.toString()}`);
      else out.push(readFileSync(join(root, 'dist/main.js'), 'utf8'));
    });
    try {
      const first = await out.next();
      expect(first).toContain('Reserve inventory');
      expect(first).not.toContain('notifyCustomer');
      await new Promise((r) => setTimeout(r, 300));
      edit(root);
      expect(await rebuiltWithEdit(out.next)).toContain('notifyCustomer');
    } finally {
      await new Promise<void>((r) => (watching ? watching.close(() => r()) : r()));
    }
  });
});
