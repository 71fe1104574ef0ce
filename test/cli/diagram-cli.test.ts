/**
 * `duroxide-llm diagram` as a user runs it in a project: flags beat the package.json block,
 * which beats defaults; --check tells missing from stale and repeats the flags to run; an
 * unknown --name fails in every mode; --dts writes the hover declarations; several formats.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagramCli as cli } from './run-diagram-cli.js';
import { stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { assertBrowserRender, BrowserRenderUnavailableError, chromiumAvailable, CHROMIUM_PATH } from '../../src/diagram/browser-render.js';
import { previewDiagram } from '../../src/cli/preview.js';
import { makeProject } from '../diagram/diagram-project.js';
import { requireTool } from '../support/required-tool.js';

afterAll(() => stopMermaidValidator());


const withPackageBlock = (block: object) =>
  makeProject(['order-saga.ts', 'approval.ts'], { 'package.json': JSON.stringify({ name: 'p', type: 'module', duroxide: block }) });

describe('duroxide-llm diagram', () => {
  it('explicit flags beat the package.json "duroxide" block, which beats the defaults', async () => {
    const root = withPackageBlock({ diagramFormat: 'dot', outputDir: 'pkg-diagrams', llm: 'off' });
    expect((await cli(root)).code).toBe(0);
    expect(existsSync(join(root, 'pkg-diagrams/order-saga.dot'))).toBe(true);
    expect(existsSync(join(root, 'docs/diagrams'))).toBe(false);

    expect((await cli(root, '--format', 'sequence', '--output', 'flag-diagrams')).code).toBe(0);
    expect(readFileSync(join(root, 'flag-diagrams/order-saga.sequence.mmd'), 'utf8')).toMatch(/^sequenceDiagram/);
    expect(existsSync(join(root, 'pkg-diagrams/order-saga.sequence.mmd'))).toBe(false);
  });

  it('draws several formats in one run (--format mermaid,dot)', async () => {
    const root = withPackageBlock({ llm: 'off' });
    const run = await cli(root, '--format', 'mermaid,dot');
    expect(run.code).toBe(0);
    for (const f of ['order-saga.mmd', 'order-saga.dot', 'expense-approval.mmd', 'expense-approval.dot']) expect(existsSync(join(root, 'docs/diagrams', f))).toBe(true);
  });

  it('--check reports a missing file as missing and suggests the command with the flags used', async () => {
    const root = withPackageBlock({ llm: 'off' });
    const missing = await cli(root, 'src', '--check', '--format', 'dot', '--output', 'docs/flows');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Missing diagrams');
    expect(missing.stderr).toContain('docs/flows/order-saga.dot');
    expect(missing.stderr).not.toContain('Stale');
    expect(missing.stderr).toContain('Run: duroxide-llm diagram src --format dot --output docs/flows\n');

    expect((await cli(root, 'src', '--format', 'dot', '--output', 'docs/flows')).code).toBe(0);
    expect((await cli(root, 'src', '--check', '--format', 'dot', '--output', 'docs/flows')).code).toBe(0);

    const file = join(root, 'src/order-saga.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
    rmSync(join(root, 'docs/flows/expense-approval.dot'));
    const both = await cli(root, '--check', '--format', 'dot', '--output', 'docs/flows');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/Missing diagrams[^\n]*\n {2}docs\/flows\/expense-approval\.dot\n/);
    expect(both.stderr).toMatch(/Stale diagrams[^\n]*\n {2}docs\/flows\/order-saga\.dot\n/);
  });

  for (const mode of [[], ['--format', 'json'], ['--check'], ['--format', 'dot'], ['--diff', 'HEAD']]) {
    it(`--name of an unknown orchestration exits non-zero (${mode.join(' ') || 'default format'})`, async () => {
      const root = withPackageBlock({ llm: 'off' });
      await cli(root);
      const run = await cli(root, '--name', 'NoSuchFlow', ...mode);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/NoSuchFlow|--diff HEAD/);
      if (mode[1] !== 'HEAD') expect(run.stderr).toContain('found: ExpenseApproval, OrderSaga');
    });
  }

  it('writes the hover .d.ts files only with --dts', async () => {
    const root = withPackageBlock({ llm: 'off' });
    await cli(root);
    expect(existsSync(join(root, 'src/duroxide-diagrams.d.ts'))).toBe(false);
    expect((await cli(root, '--dts')).code).toBe(0);
    expect(readFileSync(join(root, 'src/duroxide-diagrams.d.ts'), 'utf8')).toContain("declare module '~duroxide/diagrams/order-saga'");
    expect(readFileSync(join(root, 'src/duroxide-diagrams.hover.d.ts'), 'utf8')).toContain('interface OrderSaga {}');
  });
});

describe('duroxide-llm diagram --preview', { timeout: 120_000 }, () => {
  it('renders DOT to SVG with Graphviz and mermaid to SVG and PNG with Chromium', async (ctx) => {
    requireTool(ctx, 'Graphviz `dot`', spawnSync('dot', ['-V']).status === 0, 'apt-get install graphviz');
    requireTool(ctx, 'Chromium', chromiumAvailable(), `nothing at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
    const root = withPackageBlock({ llm: 'off' });
    const dot = await cli(root, '--preview', '--format', 'dot', '--name', 'OrderSaga');
    expect(dot.code).toBe(0);
    expect(readFileSync(join(root, 'docs/diagrams/order-saga.svg'), 'utf8')).toContain('Reserve inventory');
    expect(readFileSync(join(root, 'docs/diagrams/order-saga.png')).subarray(1, 4).toString()).toBe('PNG');
    rmSync(join(root, 'docs/diagrams/order-saga.png'));
    const mermaid = await cli(root, '--preview', '--name', 'OrderSaga');
    expect(mermaid.code).toBe(0);
    expect(readFileSync(join(root, 'docs/diagrams/order-saga.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(readFileSync(join(root, 'docs/diagrams/order-saga.svg'), 'utf8')).toContain('<svg');
  });
});

describe('--preview without its optional peers', () => {
  const diagram = { name: 'OrderSaga', slug: 'order-saga', file: 'src/order-saga.ts', format: 'mermaid' as const, diagram: 'flowchart TD\n  a --> b\n', irHash: 'x', source: 'deterministic' as const };
  const without = (pkg: string) => (id: string) => {
    if (id.startsWith(pkg)) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    return id;
  };

  it('names the package to install when playwright-core or mermaid cannot be resolved', async () => {
    const dir = makeProject([]);
    const noPlaywright = await previewDiagram(diagram, dir, { resolve: without('playwright-core') });
    expect(noPlaywright.ok).toBe(false);
    expect(noPlaywright.message).toContain('npm install -D playwright-core');
    const noMermaid = await previewDiagram(diagram, dir, { resolve: without('mermaid') });
    expect(noMermaid.message).toContain('mermaid (its browser bundle mermaid/dist/mermaid.min.js)');
    expect(noMermaid.message).toContain('npm install -D mermaid');
    expect(() => assertBrowserRender(without('playwright-core'))).toThrow(BrowserRenderUnavailableError);
  });

  it('package.json declares them as optional peers', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
    for (const name of ['playwright-core', 'mermaid']) {
      expect(pkg.peerDependencies[name], name).toBeTruthy();
      expect(pkg.peerDependenciesMeta[name], name).toEqual({ optional: true });
    }
  });
});

it('prebuild recipe: on a fresh checkout with the generated files gitignored, `diagram --dts` lets tsc pass', async () => {
  const ts = (await import('typescript')).default;
  const root = withPackageBlock({ llm: 'off' });
  writeFileSync(join(root, 'src/use.ts'), "import saga, { title, name } from '~duroxide/diagrams/order-saga';\nexport const all: string[] = [saga, title, name];\n");
  const typecheck = () => {
    const program = ts.createProgram([join(root, 'src/use.ts'), ...(existsSync(join(root, 'src/duroxide-diagrams.d.ts')) ? [join(root, 'src/duroxide-diagrams.d.ts')] : [])], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  };
  expect(typecheck().join('\n')).toContain("Cannot find module '~duroxide/diagrams/order-saga'");
  expect((await cli(root, '--dts', '--llm', 'off')).code).toBe(0);
  expect(typecheck()).toEqual([]);
});
