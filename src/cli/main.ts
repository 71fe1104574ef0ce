#!/usr/bin/env node
/**
 * The `duroxide-llm` command.
 *
 *   duroxide-llm diagram [paths...] [--name X] [--format mermaid|sequence|dot|plantuml|json]
 *                        [--output DIR] [--check] [--llm off|auto|required] [--embed FILE] [--preview]
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDiagrams, type DiagramProject, type GeneratedDiagram } from '../diagram/generate-diagrams.js';
import { DIAGRAM_FORMATS, type DiagramFormat } from '../diagram/render.js';
import { stopMermaidValidator } from '../diagram/mermaid-validator.js';
import type { FlowGraphDocument } from '../diagram/flow-graph.js';
import { previewDiagram } from './preview.js';

const USAGE = `Usage: duroxide-llm diagram [paths...] [options]

Draws every orchestration found in the given files and folders (default: src).

Options:
  --format <f>    mermaid (default), sequence, dot, plantuml, or json (the FlowGraph IR on stdout)
  --name <name>   only this orchestration
  --output <dir>  where diagram files go (default docs/diagrams)
  --check         exit 1 when a committed diagram no longer matches its code (no LLM needed)
  --llm <mode>    off, auto (default: use OPENAI_API_KEY / ANTHROPIC_API_KEY when set) or required
  --embed <file>  refresh diagrams between <!-- duroxide:diagram NAME --> and <!-- /duroxide:diagram --> in a Markdown file
  --preview       render the diagrams to SVG and PNG with Chromium (when installed)
  --help          this text`;

class UsageError extends Error {}

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === 'help') {
    out.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  if (command !== 'diagram') {
    err.write(`duroxide-llm: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await diagramCommand(rest, out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`duroxide-llm diagram: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    err.write(`duroxide-llm diagram: ${(e as Error).message}\n`);
    return 1;
  } finally {
    await stopMermaidValidator();
  }
}

async function diagramCommand(args: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'mermaid' },
        name: { type: 'string' },
        output: { type: 'string' },
        check: { type: 'boolean', default: false },
        llm: { type: 'string' },
        embed: { type: 'string' },
        preview: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    out.write(`${USAGE}\n`);
    return 0;
  }
  const json = v.format === 'json';
  if (!json && !DIAGRAM_FORMATS.includes(v.format as DiagramFormat)) throw new UsageError(`--format must be one of ${[...DIAGRAM_FORMATS, 'json'].join(', ')}`);
  if (v.llm !== undefined && !['off', 'auto', 'required'].includes(v.llm)) throw new UsageError('--llm must be off, auto or required');
  const paths = parsed.positionals.length ? parsed.positionals : undefined;
  for (const p of paths ?? []) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);

  const project = generateDiagrams({
    ...(paths ? { include: paths } : {}),
    ...(json ? {} : { format: v.format as DiagramFormat }),
    ...(v.output ? { outputDir: v.output } : {}),
    ...(v.llm ? { llm: v.llm as 'off' | 'auto' | 'required' } : {}),
    dtsFile: false,
  });
  const files = project.listFiles();
  const progress = (err as { isTTY?: boolean }).isTTY && files.length > 1;

  if (json) {
    const { flows, warnings } = project.collect(files);
    for (const w of warnings) err.write(`warning: ${w}\n`);
    const doc: FlowGraphDocument = { orchestrations: flows.filter((f) => !v.name || f.name === v.name) };
    out.write(`${JSON.stringify(doc, null, 2)}\n`);
    return 0;
  }

  if (v.check) {
    const { stale, warnings } = project.check(files);
    for (const w of warnings) err.write(`warning: ${w}\n`);
    if (stale.length) {
      err.write(`Stale diagrams (the orchestration changed since they were drawn):\n${stale.map((s) => `  ${s}`).join('\n')}\nRun: duroxide-llm diagram\n`);
      return 1;
    }
    out.write('All diagrams are up to date.\n');
    return 0;
  }

  const { flows, warnings } = project.collect(files);
  const selected = flows.filter((f) => !v.name || f.name === v.name);
  if (v.name && selected.length === 0) throw new UsageError(`no orchestration named "${v.name}" (found: ${flows.map((f) => f.name).join(', ') || 'none'})`);
  const diagrams: GeneratedDiagram[] = [];
  for (const [i, flow] of selected.entries()) {
    if (progress) err.write(`\r[${i + 1}/${selected.length}] ${flow.name}`.padEnd(60));
    diagrams.push(await project.diagramFor(flow, warnings));
  }
  if (progress) err.write('\n');
  for (const w of warnings) err.write(`warning: ${w}\n`);
  const written = project.write(diagrams);
  if (v.embed) embed(v.embed, diagrams, err);
  for (const d of diagrams) out.write(`${d.name} (${d.source}) -> ${d.slug}\n`);
  out.write(`${diagrams.length} diagram(s), ${written.length} file(s) written${project.llmCalls ? `, ${project.llmCalls} LLM call(s)` : ''}.\n`);
  if (v.preview) await preview(project, diagrams, out);
  return 0;
}

/** Replaces the content between `<!-- duroxide:diagram NAME -->` and `<!-- /duroxide:diagram -->`. */
function embed(file: string, diagrams: GeneratedDiagram[], err: NodeJS.WritableStream): void {
  const text = readFileSync(file, 'utf8');
  const updated = text.replace(/(<!-- duroxide:diagram ([\w.-]+) -->)[\s\S]*?(<!-- \/duroxide:diagram -->)/g, (whole, open: string, name: string, close: string) => {
    const d = diagrams.find((x) => x.name === name || x.slug === name);
    if (!d) {
      err.write(`warning: ${file}: no orchestration "${name}" to embed\n`);
      return whole;
    }
    const fence = d.format === 'dot' ? 'dot' : d.format === 'plantuml' ? 'plantuml' : 'mermaid';
    return `${open}\n\`\`\`${fence}\n${d.diagram.trimEnd()}\n\`\`\`\n${close}`;
  });
  if (updated !== text) writeFileSync(file, updated);
}

async function preview(project: DiagramProject, diagrams: GeneratedDiagram[], out: NodeJS.WritableStream): Promise<void> {
  for (const d of diagrams) {
    const r = await previewDiagram(d, project.options.outputDir || '.');
    out.write(r.message + '\n');
    if (!r.ok) out.write(`${d.diagram}\n`);
  }
}

// Run when executed (also through the npm bin symlink), not when imported by tests.
const invokedDirectly = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
