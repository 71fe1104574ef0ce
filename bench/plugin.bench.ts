/**
 * bench:plugin — the build step's cost. Generates TypeScript projects (10 % of the modules hold
 * orchestrations, ~5 KB each) and builds them with Vite, interleaved, reporting medians:
 * - 1,000 and 5,000 modules with and without the duroxide plugin (warm cache, no lowering by
 *   the plugin, so both builds are identical apart from it): plugin_overhead_ratio(_5k);
 * - decorator lowering: the plugin lowering TC39 decorators vs the usual way without it, a
 *   small standard Vite plugin applying the same tool (esbuild's transform) to the same files
 *   (those with a decorator line): lowering_overhead_ratio;
 * - a project with `experimentalDecorators`, which Vite 8's Oxc lowers itself: the plugin (its
 *   default options) must add nothing of its own: legacy_overhead_ratio;
 * - the plugin's own cost: against a build without it whose stub holds the same index module
 *   (what its 100 diagrams cost the bundler is then on both sides): plugin_own_overhead_ratio;
 * - a control: the build without the plugin against itself (A/A), whose spread from 1.0 is the
 *   smallest difference this machine resolves (each pair also prints its per-round range);
 * - cold builds of the 1,000-module project (empty diagram cache, every diagram asked of a
 *   loopback model and validated), extraction alone, and LLM calls per cold and warm build.
 * Last line: RESULT ...
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { build, type Plugin } from 'vite';
import duroxide from '../plugins/vite.js';
import { DiagramCache } from '../src/diagram/diagram-cache.js';
import { DiagramProject } from '../src/diagram/generate-diagrams.js';
import { extractOrchestrations } from '../src/diagram/extractor.js';
import type { OrchestrationFlow } from '../src/diagram/flow-graph.js';
import { irHash } from '../src/diagram/ir-hash.js';
import { stopMermaidValidator } from '../src/diagram/mermaid-validator.js';
import { slug } from '../src/diagram/node-label.js';
import { renderDiagram } from '../src/diagram/render.js';
import { OpenAIProvider } from '../src/llm/openai-provider.js';

const TMP = join(import.meta.dirname, '.tmp');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : NaN);

function orchestrationModule(i: number): string {
  const steps = Array.from({ length: 12 }, (_, s) => `    // Step ${s}: keep the customer informed and the ledger consistent.\n    const r${s} = await ctx.scheduleActivity('step${i}_${s}', { order: input.id, step: ${s} });`).join('\n');
  return `import { orchestration, type OrchestrationContext } from './context';

/** Orchestration ${i}: a realistic mix of activities, branches, a loop and a race. */
@orchestration({ name: 'flow${i}' })
export class Flow${i} {
  static readonly meta = { owner: 'team-${i % 7}', sla: ${i * 10} };

  async run(ctx: OrchestrationContext, input: { id: string; total: number; items: string[] }) {
${steps}
    if (input.total > ${i * 3}) {
      await ctx.scheduleActivity('review${i}', input.id);
    } else {
      await ctx.scheduleActivity('autoApprove${i}', input.id);
    }
    for (const item of input.items) {
      await ctx.scheduleActivity('pack${i}', item);
    }
    const winner = await ctx.race(ctx.waitForEvent('confirm${i}'), ctx.scheduleTimer(60_000));
    if (winner.index === 1) return 'expired';
    await this.finish(ctx, input.id);
    return [r0, r1, r2].length;
  }

  private async finish(ctx: OrchestrationContext, id: string) {
    await ctx.scheduleActivity('notify${i}', id);
    await ctx.scheduleActivity('archive${i}', id);
  }
}
`.padEnd(5000, '\n// padding to a typical module size\n');
}

function plainModule(i: number): string {
  return `/** Module ${i}: ordinary application code without orchestrations. */
export interface Row${i} { id: number; name: string; tags: string[] }
export function format${i}(row: Row${i}): string {
  return \`\${row.id}: \${row.name} [\${row.tags.join(', ')}]\`;
}
export const table${i}: Row${i}[] = Array.from({ length: 5 }, (_, k) => ({ id: k, name: 'row ' + k, tags: ['a', 'b'] }));
export function total${i}(rows: Row${i}[]): number { return rows.reduce((s, r) => s + r.id, 0); }
`;
}

interface Project {
  root: string;
  modules: number;
  orchestrationFiles: string[];
  plainFiles: string[];
}

/** `modules` modules under bench/.tmp/<name>; `legacy` adds a tsconfig with experimentalDecorators. */
function generateProject(name: string, modules: number, legacy = false): Project {
  const root = join(TMP, name);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'bench-project', type: 'module' }));
  if (legacy) writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { experimentalDecorators: true } }));
  writeFileSync(join(root, 'src/context.ts'), 'export type OrchestrationContext = any;\nexport function orchestration(_o: object) { return (_c: unknown, _x?: unknown) => undefined; }\n');
  writeFileSync(join(root, 'src/diagrams-stub.ts'), 'export default {};\n');
  const orchestrationFiles: string[] = [];
  const plainFiles: string[] = [];
  const imports: string[] = [];
  for (let i = 0; i < modules; i++) {
    const isFlow = i % 10 === 0;
    const file = join(root, 'src', `${isFlow ? 'flow' : 'mod'}${i}.ts`);
    writeFileSync(file, isFlow ? orchestrationModule(i) : plainModule(i));
    (isFlow ? orchestrationFiles : plainFiles).push(file);
    imports.push(`export * from './${isFlow ? 'flow' : 'mod'}${i}';`);
  }
  writeFileSync(join(root, 'src/main.ts'), `${imports.join('\n')}\nimport diagrams from '~duroxide/diagrams';\nexport const diagramCount = Object.keys(diagrams).length;\n`);
  return { root, modules, orchestrationFiles, plainFiles };
}

/**
 * A warm committed cache without asking the model 500 times: each entry as the loopback model
 * would answer (it draws the IR deterministically), under the same provider and model.
 */
function seedDiagramCache(p: Project): void {
  const project = new DiagramProject({ cwd: p.root, llm: 'off', outputDir: false, dtsFile: false });
  const cache = new DiagramCache(join(p.root, '.duroxide-diagrams'));
  for (const flow of project.collect(project.listFiles()).flows) {
    cache.set(slug(flow.name), { name: flow.name, format: 'mermaid', irHash: irHash(flow), source: 'llm', provider: 'openai', model: 'bench-model', diagram: renderDiagram(flow, 'mermaid') });
  }
}

/** A loopback "model" that answers with a valid diagram of the IR it is sent. */
async function fakeModel() {
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      calls++;
      const prompt: string = JSON.parse(body).messages.at(-1).content;
      const ir = JSON.parse(prompt.split('\n').find((l) => l.startsWith('{"name"'))!) as OrchestrationFlow;
      const diagram = renderDiagram({ ...ir, file: 'x' }, 'mermaid');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'bench', choices: [{ index: 0, message: { role: 'assistant', content: diagram }, finish_reason: 'stop' }], usage: { prompt_tokens: 100, completion_tokens: 100, total_tokens: 200 } }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls: () => calls, close: () => server.close() };
}

/** The usual way to run TC39 decorators without our plugin: esbuild's transform on the files that have them. */
function standardDecoratorPlugin(): Plugin {
  return {
    name: 'tc39-decorators',
    enforce: 'pre',
    transform: {
      filter: { id: { include: [/\.[cm]?[jt]sx?$/], exclude: [/[\\/]node_modules[\\/]/] }, code: /^\s*@[A-Za-z_$]/m },
      async handler(code, id) {
        const out = await esbuild.transform(code, { loader: id.endsWith('x') ? 'tsx' : 'ts', target: 'es2022', sourcemap: 'external', sourcefile: id, format: 'esm' });
        return { code: out.code, map: out.map };
      },
    },
  };
}

/** `without-again` is `without` built a second time (its own output folder): the pair of the two is the noise floor. */
type Variant = 'without' | 'without-again' | 'without-same-content' | 'with' | 'baseline-lowering' | 'with-lowering' | 'with-defaults';

async function viteBuild(p: Project, variant: Variant, llm: OpenAIProvider): Promise<number> {
  const ours = variant === 'with' || variant === 'with-lowering' || variant === 'with-defaults';
  const lowering = variant === 'with-defaults' ? {} : { lowerDecorators: variant === 'with-lowering' };
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await build({
    root: p.root,
    logLevel: 'silent',
    configFile: false,
    resolve: ours ? {} : { alias: { '~duroxide/diagrams': join(p.root, variant === 'without-same-content' ? 'diagrams-same-content.js' : 'src/diagrams-stub.ts') } },
    plugins: [
      ...(ours ? [duroxide({ cwd: p.root, llm, outputDir: false, dtsFile: false, ...lowering })] : []),
      ...(variant === 'baseline-lowering' ? [standardDecoratorPlugin()] : []),
    ],
    build: { outDir: `dist-${variant}`, minify: false, lib: { entry: join(p.root, 'src/main.ts'), formats: ['es'], fileName: 'main' } },
  });
  const cpu = process.cpuUsage(c0);
  if (recording) cpuMs.set(variantKey(p, variant), [...(cpuMs.get(variantKey(p, variant)) ?? []), (cpu.user + cpu.system) / 1000]);
  return performance.now() - t0;
}
/** CPU time of this process per build (the main thread and the bundler's threads, not esbuild's service): less sensitive to a busy machine than wall time. */
const cpuMs = new Map<string, number[]>();
let recording = false;
const variantKey = (p: Project, variant: Variant) => `${p.root}:${variant}`;

const p1k = generateProject('plugin-project', 1000);
const p5k = generateProject('plugin-project-5k', 5000);
const legacy = generateProject('plugin-project-legacy', 1000, true);
seedDiagramCache(p5k);
seedDiagramCache(legacy);
const { orchestrationFiles, plainFiles } = p1k;
const model = await fakeModel();
const llm = new OpenAIProvider({ apiKey: 'bench', baseURL: model.url, model: 'bench-model' });

const coldTimes: number[] = [];
const coldWithout: number[] = [];
const coldCallsPerBuild: number[] = [];
await viteBuild(p1k, 'without', llm); // warm-up of Vite itself

// Cold: the diagram cache (and the warm state) is removed before each build,
// so every orchestration is extracted, asked of the model once and validated.
for (let r = 0; r < COLD_RUNS; r++) {
  coldWithout.push(await viteBuild(p1k, 'without', llm));
  rmSync(join(p1k.root, '.duroxide-diagrams'), { recursive: true, force: true });
  rmSync(join(p1k.root, 'node_modules'), { recursive: true, force: true });
  const before = model.calls();
  coldTimes.push(await viteBuild(p1k, 'with', llm));
  coldCallsPerBuild.push(model.calls() - before);
}
const coldCalls = COLD_RUNS ? Math.max(...coldCallsPerBuild) : NaN;
if (coldCallsPerBuild.some((c) => c !== orchestrationFiles.length)) {
  throw new Error(`a cold build should ask once per orchestration (${orchestrationFiles.length}), asked ${coldCallsPerBuild.join(', ')}`);
}

// Warm: pairs interleaved round by round, so the machine's load falls on both sides alike.
const pairs = [
  { key: 'plugin', project: p1k, base: 'without', ours: 'with' },
  { key: 'plugin5k', project: p5k, base: 'without', ours: 'with' },
  { key: 'lowering', project: p1k, base: 'baseline-lowering', ours: 'with-lowering' },
  { key: 'legacy', project: legacy, base: 'without', ours: 'with-defaults' },
  // A/A: the same build twice. How far its ratio strays from 1 is what this machine can resolve.
  { key: 'control', project: p1k, base: 'without', ours: 'without-again' },
] as const;
// Several probes prefer one pair at a time (BENCH_PAIRS=plugin,legacy); the RESULT line needs them all.
const only = process.env.BENCH_PAIRS?.split(',');
const measured: { key: string; project: Project; base: Variant; ours: Variant }[] = pairs.filter((x) => !only || only.includes(x.key));
const times = new Map<string, { base: number[]; ours: number[] }>(pairs.map((x) => [x.key, { base: [], ours: [] }]));
for (const x of measured) {
  await viteBuild(x.project, x.base, llm); // warm-up: Vite, and the first warm build fills the warm state
  await viteBuild(x.project, x.ours, llm);
}
// The plugin's own cost apart from what its output costs the bundler: a build without it whose
// stub holds the very index module it serves (100 diagrams and their flow graphs).
const served = await new DiagramProject({ cwd: p1k.root, llm, outputDir: false, dtsFile: false }).run();
writeFileSync(join(p1k.root, 'diagrams-same-content.js'), served.indexCode ?? '');
const ownPair = { key: 'own', project: p1k, base: 'without-same-content', ours: 'with' } as const;
times.set('own', { base: [], ours: [] });
if (!only || only.includes('own')) {
  measured.push(ownPair);
  await viteBuild(p1k, 'without-same-content', llm);
}
const afterCold = model.calls();
recording = true;
for (let r = 0; r < RUNS; r++) {
  for (const x of measured) {
    const t = times.get(x.key)!;
    // Alternate which side goes first.
    if (r % 2 === 0) {
      t.base.push(await viteBuild(x.project, x.base, llm));
      t.ours.push(await viteBuild(x.project, x.ours, llm));
    } else {
      t.ours.push(await viteBuild(x.project, x.ours, llm));
      t.base.push(await viteBuild(x.project, x.base, llm));
    }
  }
}
const warmCalls = model.calls() - afterCold;
const legacyOut = measured.some((x) => x.key === 'legacy') ? readFileSync(join(legacy.root, 'dist-with-defaults/main.js'), 'utf8') : '__decorate(';
if (legacyOut.includes('__decorateClass') || !legacyOut.includes('__decorate(')) throw new Error('with experimentalDecorators the plugin should leave the lowering to Oxc');

// Extraction alone, in memory.
const flowSources = orchestrationFiles.map((f) => readFileSync(f, 'utf8'));
const plainSources = plainFiles.map((f) => readFileSync(f, 'utf8'));
let t0 = performance.now();
let flows = 0;
for (let r = 0; r < 10; r++) for (const s of flowSources) flows += extractOrchestrations(s, 'f.ts').flows.length;
const extractPerS = (flowSources.length * 10) / ((performance.now() - t0) / 1000);
t0 = performance.now();
for (let r = 0; r < 50; r++) for (const s of plainSources) extractOrchestrations(s, 'p.ts');
const skipPerS = (plainSources.length * 50) / ((performance.now() - t0) / 1000);
if (flows !== flowSources.length * 10) throw new Error(`expected one flow per orchestration file, got ${flows / 10} of ${flowSources.length}`);

model.close();
await stopMermaidValidator();
const ratioOf = (key: string) => (times.get(key)!.base.length ? median(times.get(key)!.ours) / median(times.get(key)!.base) : NaN);
const ms = (key: string, side: 'base' | 'ours') => (times.get(key)![side].length ? median(times.get(key)![side]).toFixed(0) : '-');
const cpuRatio = (p: Project, ours: Variant, base: Variant) => median(cpuMs.get(variantKey(p, ours)) ?? []) / median(cpuMs.get(variantKey(p, base)) ?? []);
const pluginCpuRatio = cpuRatio(p1k, 'with', 'without');
const pluginCpuRatio5k = cpuRatio(p5k, 'with', 'without');
const ratio = ratioOf('plugin');
const ratio5k = ratioOf('plugin5k');
const loweringRatio = ratioOf('lowering');
const legacyRatio = ratioOf('legacy');
const ownRatio = ratioOf('own');
const controlRatio = ratioOf('control');
/** Per round, ours / base: the spread of one pair across rounds. */
const roundRange = (key: string) => {
  const t = times.get(key)!;
  const r = t.ours.map((o, i) => o / t.base[i]);
  return r.length ? `${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)}` : '-';
};
const ownCpuRatio = cpuRatio(p1k, 'with', 'without-same-content');
const coldRatio = COLD_RUNS ? median(coldTimes) / median(coldWithout) : NaN;
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, node ${process.version}; 1,000 and 5,000 modules (10 % orchestrations, ~5 KB each); ` +
    `${COLD_RUNS} cold and ${RUNS} warm rounds, each pair interleaved; loopback model`,
);
console.table([
  { measure: 'Vite build without the plugin, 1,000 modules (ms, median)', value: ms('plugin', 'base') },
  { measure: 'with the plugin, warm cache, no lowering (ms, median)', value: ms('plugin', 'ours') },
  { measure: 'warm overhead ratio, 1,000 modules (target <= 1.05)', value: ratio.toFixed(3) },
  { measure: '  per round (min-max)', value: roundRange('plugin') },
  { measure: 'control: the build without the plugin against itself (A/A)', value: controlRatio.toFixed(3) },
  { measure: '  per round (min-max): the noise floor', value: roundRange('control') },
  { measure: 'CPU-time ratio, 1,000 modules (this process, with / without)', value: pluginCpuRatio.toFixed(3) },
  { measure: 'without the plugin, a stub with the same index module (ms, median)', value: ms('own', 'base') },
  { measure: "the plugin's own overhead: with / that build (wall; CPU)", value: `${ownRatio.toFixed(3)}; ${ownCpuRatio.toFixed(3)}` },
  { measure: 'Vite build without the plugin, 5,000 modules (ms, median)', value: ms('plugin5k', 'base') },
  { measure: 'with the plugin, 5,000 modules (ms, median)', value: ms('plugin5k', 'ours') },
  { measure: 'warm overhead ratio, 5,000 modules (target <= 1.05)', value: ratio5k.toFixed(3) },
  { measure: '  per round (min-max)', value: roundRange('plugin5k') },
  { measure: 'CPU-time ratio, 5,000 modules', value: pluginCpuRatio5k.toFixed(3) },
  { measure: 'TC39 lowering by a standard esbuild plugin, no duroxide (ms, median)', value: ms('lowering', 'base') },
  { measure: 'TC39 lowering by the duroxide plugin (ms, median)', value: ms('lowering', 'ours') },
  { measure: 'lowering overhead ratio (target <= 1.05)', value: loweringRatio.toFixed(3) },
  { measure: '  per round (min-max)', value: roundRange('lowering') },
  { measure: 'experimentalDecorators (Oxc lowers): without the plugin (ms, median)', value: ms('legacy', 'base') },
  { measure: 'experimentalDecorators: with the plugin, default options (ms, median)', value: ms('legacy', 'ours') },
  { measure: 'legacy overhead ratio (the plugin adds no lowering)', value: legacyRatio.toFixed(3) },
  { measure: 'cold build: empty cache, loopback model (ms, median)', value: median(coldTimes).toFixed(0) },
  { measure: 'cold overhead ratio (cold / without)', value: coldRatio.toFixed(3) },
  { measure: 'orchestration files extracted per second (>= 1,000)', value: extractPerS.toFixed(0) },
  { measure: 'files without orchestrations skipped per second (>= 20,000)', value: skipPerS.toFixed(0) },
  { measure: 'LLM calls per cold build (one per orchestration)', value: String(coldCalls) },
  { measure: `LLM calls, ${RUNS} warm rounds (target 0)`, value: String(warmCalls) },
]);
console.log(
  `RESULT plugin_overhead_ratio=${ratio.toFixed(3)} plugin_cold_build_ms=${median(coldTimes).toFixed(0)} plugin_cold_ratio=${coldRatio.toFixed(3)} extract_files_per_s=${extractPerS.toFixed(0)} skip_files_per_s=${skipPerS.toFixed(0)} cold_llm_calls=${coldCalls} warm_llm_calls=${warmCalls} ` +
    `plugin_overhead_ratio_5k=${ratio5k.toFixed(3)} lowering_overhead_ratio=${loweringRatio.toFixed(3)} legacy_overhead_ratio=${legacyRatio.toFixed(3)} plugin_cpu_ratio=${pluginCpuRatio.toFixed(3)} plugin_cpu_ratio_5k=${pluginCpuRatio5k.toFixed(3)} plugin_own_overhead_ratio=${ownRatio.toFixed(3)} plugin_own_cpu_ratio=${ownCpuRatio.toFixed(3)} control_ratio=${controlRatio.toFixed(3)}`,
);
process.exit(0);
