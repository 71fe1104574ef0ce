/**
 * `duroxide-llm diagram`: draws, checks (`--check`), prints the IR (`--format json`), embeds
 * into Markdown (`--embed`), writes the hover `.d.ts` (`--dts`), previews (`--preview`) and
 * compares with a git ref (`--diff`). Explicit flags beat the package.json "duroxide" block,
 * which beats the defaults.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { writeAtomic } from '../diagram/atomic-write.js';
import type { DiagramOptions } from '../diagram/diagram-options.js';
import { DiagramProject, type GeneratedDiagram } from '../diagram/generate-diagrams.js';
import type { FlowGraphDocument, OrchestrationFlow } from '../diagram/flow-graph.js';
import { DIAGRAM_FORMATS, formatSpec, isDiagramFormat, type DiagramFormat } from '../diagram/formats/index.js';
import { diagramDiff } from './diagram-diff.js';
import { UnknownOrchestrationError } from './unknown-orchestration-error.js';
import { previewDiagram } from './preview.js';

export const USAGE = `Usage: duroxide-llm diagram [paths...] [options]

Draws every orchestration found in the given files and folders (default: src).

Options:
  --format <f>    ${DIAGRAM_FORMATS.join(', ')} (default ${DIAGRAM_FORMATS[0]}; several: ${DIAGRAM_FORMATS.slice(0, 2).join(',')}), or json (the FlowGraph IR on stdout)
  --name <name>   only this orchestration
  --output <dir>  where diagram files go (default docs/diagrams)
  --check         exit 1 when a committed diagram is missing or no longer matches its code (no LLM needed)
  --strict        also exit 1 on the build step's checks: an activity, sub-orchestration or event name nothing defines, a decision on Math.random() / Date.now() / new Date()
  --llm <mode>    off, auto (default: use OPENAI_API_KEY / ANTHROPIC_API_KEY when set) or required
  --dts           also write the .d.ts of the diagram modules and the hover .d.ts (for tsc before a bundler runs)
  --images        with --dts: a rendered SVG picture in the hover too (mermaid needs Chromium; dot, plantuml their tools)
  --jsdoc         also put each diagram into the JSDoc of its orchestration class in the source (hover under TypeScript 7)
  --diff <ref>    compare every orchestration's flow with the one at a git ref; Markdown for a pull request; exit 1 when any changed
  --embed <file>  refresh diagrams between <!-- duroxide:diagram NAME --> and <!-- /duroxide:diagram --> in a Markdown file
  --preview       render the diagrams to SVG and PNG: mermaid in Chromium (optional peers playwright-core, mermaid), DOT with Graphviz; exit 1 when a piece is missing
  --help          this text

Flags beat the "duroxide" block of package.json, which beats the defaults.`;

export class UsageError extends Error {}

export { UnknownOrchestrationError };

type Out = NodeJS.WritableStream;

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        name: { type: 'string' },
        output: { type: 'string' },
        check: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        llm: { type: 'string' },
        dts: { type: 'boolean', default: false },
        jsdoc: { type: 'boolean', default: false },
        images: { type: 'boolean', default: false },
        diff: { type: 'string' },
        embed: { type: 'string' },
        preview: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** The explicit flags, as options that beat the package.json block. */
function flagOptions(v: ReturnType<typeof parse>['values'], paths: string[] | undefined): DiagramOptions {
  const o: DiagramOptions = {};
  if (v.format && v.format !== 'json') {
    const formats = v.format.split(',').map((f) => f.trim());
    for (const f of formats) if (!isDiagramFormat(f)) throw new UsageError(`--format must be one of ${[...DIAGRAM_FORMATS, 'json'].join(', ')} (or several, comma-separated); got "${f}"`);
    o.formats = formats as DiagramFormat[];
  }
  if (v.llm !== undefined) {
    if (!['off', 'auto', 'required'].includes(v.llm)) throw new UsageError('--llm must be off, auto or required');
    o.llm = v.llm as 'off' | 'auto' | 'required';
  }
  if (v.output) o.outputDir = v.output;
  if (paths) o.include = paths;
  if (!v.dts) o.dtsFile = false;
  if (v.jsdoc) o.sourceJsdoc = true;
  if (v.images) o.hoverImages = true;
  return o;
}

export async function diagramCommand(args: string[], out: Out, err: Out): Promise<number> {
  const parsed = parse(args);
  const v = parsed.values;
  if (v.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const paths = parsed.positionals.length ? parsed.positionals : undefined;
  for (const p of paths ?? []) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  const project = new DiagramProject({}, flagOptions(v, paths));
  if (v.diff !== undefined) return diagramDiff(project, v.diff, v.name, out, err);
  const files = project.listFiles();
  if (v.format === 'json') return printIr(project, files, v.name, out, err);
  if (v.check) return check(project, files, v.name, args, v.strict, out, err);
  return draw(project, files, v, !v.name && !paths, out, err);
}

function select(flows: OrchestrationFlow[], name: string | undefined): OrchestrationFlow[] {
  const selected = flows.filter((f) => !name || f.name === name);
  if (name && selected.length === 0) throw new UnknownOrchestrationError(name, flows.map((f) => f.name));
  return selected;
}

function printIr(project: DiagramProject, files: string[], name: string | undefined, out: Out, err: Out): number {
  const { flows, warnings } = project.collect(files);
  for (const w of warnings) err.write(`warning: ${w}\n`);
  const doc: FlowGraphDocument = { orchestrations: select(flows, name) };
  out.write(`${JSON.stringify(doc, null, 2)}\n`);
  return 0;
}

function check(project: DiagramProject, files: string[], name: string | undefined, args: string[], strict: boolean, out: Out, err: Out): number {
  if (name) select(project.collect(files).flows, name);
  const { stale, missing, warnings, checks } = project.check(files, name);
  for (const w of warnings) err.write(`warning: ${w}\n`);
  const failsChecks = strict && checks.length > 0;
  if (failsChecks) err.write(`--strict: ${checks.length} finding(s) of the build step's checks (above); fix them, or list names defined elsewhere in "externalNames".\n`);
  if (!stale.length && !missing.length) {
    if (failsChecks) return 1;
    out.write('All diagrams are up to date.\n');
    return 0;
  }
  if (missing.length) err.write(`Missing diagrams (never drawn, or deleted):\n${missing.map((s) => `  ${s}`).join('\n')}\n`);
  if (stale.length) err.write(`Stale diagrams (the orchestration changed since they were drawn):\n${stale.map((s) => `  ${s}`).join('\n')}\n`);
  err.write(`Run: ${['duroxide-llm', 'diagram', ...args.filter((a) => a !== '--check')].map(shellQuote).join(' ')}\n`);
  return 1;
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

async function draw(project: DiagramProject, files: string[], v: ReturnType<typeof parse>['values'], full: boolean, out: Out, err: Out): Promise<number> {
  const { flows, warnings, checks } = project.collect(files);
  const selected = select(flows, v.name);
  const progress = (err as { isTTY?: boolean }).isTTY && selected.length > 1;
  const renderings = await project.draw(selected, warnings, (i, flow) => {
    if (progress) err.write(`\r[${i + 1}/${selected.length}] ${flow.name}`.padEnd(60));
  });
  if (progress) err.write('\n');
  for (const w of warnings) err.write(`warning: ${w}\n`);
  const written = project.write(renderings);
  // The cache is pruned only by a build that saw every orchestration.
  if (full) project.prune(flows);
  project.sources.saveManifest();
  const primary = renderings.filter((d) => d.format === project.options.diagramFormat);
  if (v.embed) embed(v.embed, primary, err);
  for (const d of renderings) out.write(`${d.name} (${d.format}, ${d.source}) -> ${d.slug}\n`);
  out.write(`${selected.length} orchestration(s), ${renderings.length} diagram(s), ${written.length} file(s) written${project.llmCalls ? `, ${project.llmCalls} LLM call(s)` : ''}.\n`);
  if (v.preview && !(await preview(project, primary, out, err))) return 1;
  if (v.strict && checks.length) {
    err.write(`--strict: ${checks.length} finding(s) of the build step's checks (above).\n`);
    return 1;
  }
  return 0;
}

/** Replaces the content between `<!-- duroxide:diagram NAME -->` and `<!-- /duroxide:diagram -->`. */
function embed(file: string, diagrams: GeneratedDiagram[], err: Out): void {
  const text = readFileSync(file, 'utf8');
  const updated = text.replace(/(<!-- duroxide:diagram ([\w.-]+) -->)[\s\S]*?(<!-- \/duroxide:diagram -->)/g, (whole, open: string, name: string, close: string) => {
    const d = diagrams.find((x) => x.name === name || x.slug === name);
    if (!d) {
      err.write(`warning: ${file}: no orchestration "${name}" to embed\n`);
      return whole;
    }
    return `${open}\n\`\`\`${formatSpec(d.format).fence}\n${d.diagram.trimEnd()}\n\`\`\`\n${close}`;
  });
  if (updated !== text) writeAtomic(file, updated);
}

/** False when a picture could not be made (what to install is on stderr, the diagram text on stdout). */
async function preview(project: DiagramProject, diagrams: GeneratedDiagram[], out: Out, err: Out): Promise<boolean> {
  let ok = true;
  for (const d of diagrams) {
    const r = await previewDiagram(d, project.options.outputDir || '.');
    (r.ok ? out : err).write(r.message + '\n');
    if (!r.ok) out.write(`${d.diagram}\n`);
    ok &&= r.ok;
  }
  return ok;
}
