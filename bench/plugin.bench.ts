/**
 * bench:plugin — the build step's cost. Generates 1,000 TypeScript modules (100 with
 * orchestrations, ~5 KB each) and builds them with Vite with and without the duroxide plugin:
 * cold (empty diagram cache, every diagram asked of a loopback model and validated) and warm,
 * interleaved with builds without the plugin, reporting medians; times extraction alone; and
 * counts LLM calls per cold and warm build. Last line: RESULT ...
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import duroxide from '../plugins/vite.js';
import { extractOrchestrations } from '../src/diagram/extractor.js';
import type { OrchestrationFlow } from '../src/diagram/flow-graph.js';
import { stopMermaidValidator } from '../src/diagram/mermaid-validator.js';
import { renderDiagram } from '../src/diagram/render.js';
import { OpenAIProvider } from '../src/llm/openai-provider.js';

const ROOT = join(import.meta.dirname, '.tmp', 'plugin-project');
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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

function generateProject(): { orchestrationFiles: string[]; plainFiles: string[] } {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(join(ROOT, 'src'), { recursive: true });
  writeFileSync(join(ROOT, 'package.json'), JSON.stringify({ name: 'bench-project', type: 'module' }));
  writeFileSync(join(ROOT, 'src/context.ts'), 'export type OrchestrationContext = any;\nexport function orchestration(_o: object) { return (_c: unknown, _x?: unknown) => undefined; }\n');
  writeFileSync(join(ROOT, 'src/diagrams-stub.ts'), 'export default {};\n');
  const orchestrationFiles: string[] = [];
  const plainFiles: string[] = [];
  const imports: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const isFlow = i % 10 === 0;
    const file = join(ROOT, 'src', `${isFlow ? 'flow' : 'mod'}${i}.ts`);
    writeFileSync(file, isFlow ? orchestrationModule(i) : plainModule(i));
    (isFlow ? orchestrationFiles : plainFiles).push(file);
    imports.push(`export * from './${isFlow ? 'flow' : 'mod'}${i}';`);
  }
  writeFileSync(join(ROOT, 'src/main.ts'), `${imports.join('\n')}\nimport diagrams from '~duroxide/diagrams';\nexport const diagramCount = Object.keys(diagrams).length;\n`);
  return { orchestrationFiles, plainFiles };
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

async function viteBuild(withPlugin: boolean, llm: OpenAIProvider): Promise<number> {
  const t0 = performance.now();
  await build({
    root: ROOT,
    logLevel: 'silent',
    configFile: false,
    resolve: withPlugin ? {} : { alias: { '~duroxide/diagrams': join(ROOT, 'src/diagrams-stub.ts') } },
    plugins: withPlugin ? [duroxide({ cwd: ROOT, llm, outputDir: false, dtsFile: false, lowerDecorators: process.env.BENCH_LOWER !== '0' })] : [],
    build: { outDir: withPlugin ? 'dist-with' : 'dist-without', minify: false, lib: { entry: join(ROOT, 'src/main.ts'), formats: ['es'], fileName: 'main' } },
  });
  return performance.now() - t0;
}

const { orchestrationFiles, plainFiles } = generateProject();
const model = await fakeModel();
const llm = new OpenAIProvider({ apiKey: 'bench', baseURL: model.url, model: 'bench-model' });

const withTimes: number[] = [];
const withoutTimes: number[] = [];
const coldTimes: number[] = [];
const coldCallsPerBuild: number[] = [];
await viteBuild(false, llm); // warm-up of Vite itself

// Cold: the diagram cache (and the warm-path manifest in it) is removed before each build,
// so every orchestration is extracted, asked of the model once and validated.
for (let r = 0; r < COLD_RUNS; r++) {
  withoutTimes.push(await viteBuild(false, llm));
  rmSync(join(ROOT, '.duroxide-diagrams'), { recursive: true, force: true });
  const before = model.calls();
  coldTimes.push(await viteBuild(true, llm));
  coldCallsPerBuild.push(model.calls() - before);
}
const coldCalls = Math.max(...coldCallsPerBuild);
if (coldCallsPerBuild.some((c) => c !== orchestrationFiles.length)) {
  throw new Error(`a cold build should ask once per orchestration (${orchestrationFiles.length}), asked ${coldCallsPerBuild.join(', ')}`);
}

// Warm: the cache the last cold build filled.
const afterCold = model.calls();
for (let r = 0; r < RUNS; r++) {
  withoutTimes.push(await viteBuild(false, llm));
  withTimes.push(await viteBuild(true, llm));
}
const warmCalls = model.calls() - afterCold;

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
const ratio = median(withTimes) / median(withoutTimes);
const coldRatio = median(coldTimes) / median(withoutTimes);
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, node ${process.version}; 1,000 modules (100 orchestrations, ~5 KB each); ` +
    `${COLD_RUNS} cold and ${RUNS} warm builds interleaved with builds without the plugin; loopback model`,
);
console.table([
  { measure: 'Vite build without the plugin (ms, median)', value: median(withoutTimes).toFixed(0) },
  { measure: 'Vite build with the plugin, cold: empty cache, loopback model (ms, median)', value: median(coldTimes).toFixed(0) },
  { measure: 'cold overhead ratio (cold / without)', value: coldRatio.toFixed(3) },
  { measure: 'Vite build with the plugin, warm cache (ms, median)', value: median(withTimes).toFixed(0) },
  { measure: 'warm overhead ratio (with / without), target <= 1.05', value: ratio.toFixed(3) },
  { measure: 'orchestration files extracted per second (>= 1,000)', value: extractPerS.toFixed(0) },
  { measure: 'files without orchestrations skipped per second (>= 20,000)', value: skipPerS.toFixed(0) },
  { measure: 'LLM calls per cold build (one per orchestration)', value: String(coldCalls) },
  { measure: `LLM calls, ${RUNS} warm builds (target 0)`, value: String(warmCalls) },
]);
console.log(
  `RESULT plugin_overhead_ratio=${ratio.toFixed(3)} plugin_cold_build_ms=${median(coldTimes).toFixed(0)} plugin_cold_ratio=${coldRatio.toFixed(3)} extract_files_per_s=${extractPerS.toFixed(0)} skip_files_per_s=${skipPerS.toFixed(0)} cold_llm_calls=${coldCalls} warm_llm_calls=${warmCalls}`,
);
process.exit(0);
