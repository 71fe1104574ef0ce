/**
 * The README's esbuild snippet, copied as written into a project's build script: its output
 * runs on Node 20 although the sources use TC39 decorators (esbuild's default target keeps
 * them; the plugin lowers them in the files it loads), and the diagram modules resolve.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { makeProject } from '../diagram/diagram-project.js';

const repo = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(repo, 'README.md'), 'utf8');
const src = join(repo, 'src');

/** The lines of the Bundler setup block from `// build.mjs (esbuild)` to the next blank line. */
function esbuildSnippet(): string {
  const block = /### Bundler setup[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const m = /^\/\/ build\.mjs \(esbuild\)\n([\s\S]*?)\n\n/m.exec(block);
  if (!m) throw new Error('README: no "// build.mjs (esbuild)" snippet under "### Bundler setup"');
  return m[1];
}

const MAIN = `import '${join(src, 'tools/symbol-metadata.ts')}';
import { orchestration, activity } from '${join(src, 'tools/decorators.ts')}';
import { getClassMetadata } from '${join(src, 'tools/metadata.ts')}';
import saga from '~duroxide/diagrams/checkout';

export class Payments {
  @activity({ description: 'Charge a card', diagramLabel: 'Charge card' })
  async charge(_ctx: unknown, input: unknown) { return input; }
}

@orchestration({ name: 'checkout', version: '3.0.0' })
export class Checkout {
  async run(ctx: { scheduleActivity(name: string, input: unknown): Promise<unknown> }, input: unknown) { return ctx.scheduleActivity('charge', input); }
}

console.log(JSON.stringify({ version: getClassMetadata(Checkout)?.orchestration?.version, diagram: saga.includes('Charge card') }));
`;

it('the README esbuild snippet, as written, builds output that runs on Node 20', { timeout: 120_000 }, () => {
  const snippet = esbuildSnippet();
  expect(snippet).toContain("import * as esbuild from 'esbuild'");
  const root = makeProject([], { 'src/main.ts': MAIN });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir'); // esbuild, installed as the project's
  const script = snippet.replace("from 'duroxide-llm/esbuild'", `from '${pathToFileURL(join(repo, 'plugins/esbuild.ts')).href}'`);
  writeFileSync(join(root, 'build.mts'), script);
  const env = { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' };
  const build = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), 'build.mts'], { cwd: root, encoding: 'utf8', env, timeout: 90_000 });
  expect(build.stderr).toBe('');
  expect(build.status).toBe(0);
  const run = spawnSync(process.execPath, [join(root, 'dist/main.js')], { cwd: root, encoding: 'utf8', timeout: 30_000 });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ version: '3.0.0', diagram: true });
});
