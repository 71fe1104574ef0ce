/**
 * `duroxide-llm diagram --diff <git-ref>`: every orchestration's flow compared with the one at
 * the ref, printed as Markdown for a pull-request comment (what was added, removed, rewired,
 * and before/after diagrams). Exit code 1 when anything changed, 0 when nothing did.
 */
import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import type { DiagramProject } from '../diagram/generate-diagrams.js';
import { extractOrchestrations } from '../diagram/extractor.js';
import { diffFlows, type FlowChange } from '../diagram/flow-diff.js';
import type { OrchestrationFlow } from '../diagram/flow-graph.js';
import { formatSpec } from '../diagram/formats/index.js';
import { collectFlows } from '../diagram/source-scan.js';
import { UnknownOrchestrationError } from './unknown-orchestration-error.js';

/** A git ref that cannot be read, or a folder outside a git repository. */
export class GitRefError extends Error {
  constructor(ref: string, detail: string) {
    super(`--diff ${ref}: ${detail.trim()}; give a commit, branch or tag of this repository (e.g. --diff origin/main)`);
    this.name = 'GitRefError';
  }
}

const SOURCE = /\.(ts|tsx|js|mjs|cjs|mts|cts)$/;

function git(cwd: string, args: string[], ref: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    throw new GitRefError(ref, String((e as { stderr?: string }).stderr || (e as Error).message));
  }
}

/** The flows of the configured sources as they were at `ref`. */
export function flowsAtRef(project: DiagramProject, ref: string): OrchestrationFlow[] {
  const cwd = project.options.cwd;
  const top = git(cwd, ['rev-parse', '--show-toplevel'], ref).trim();
  git(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], ref);
  const paths = project.options.include.map((p) => relative(top, resolve(cwd, p)) || '.');
  const files = git(top, ['ls-tree', '-r', '--name-only', ref, '--', ...paths], ref)
    .split('\n')
    .filter((f) => SOURCE.test(f) && !f.endsWith('.d.ts') && !project.options.exclude.some((x) => f.split('/').includes(x)));
  const extracted = files.map((f) => extractOrchestrations(git(top, ['show', `${ref}:${f}`], ref), relative(cwd, resolve(top, f))));
  return collectFlows(extracted).flows;
}

export function diffMarkdown(changes: FlowChange[], ref: string, render: (f: OrchestrationFlow) => string, fence: string): string {
  if (!changes.length) return `No orchestration flow changed since \`${ref}\`.\n`;
  const lines = [`## Orchestration flows changed since \`${ref}\``, ''];
  for (const c of changes) {
    const file = (c.after ?? c.before)!.file;
    lines.push(`### ${c.name} (${c.kind === 'changed' ? 'changed' : c.kind}, \`${file}\`)`, '');
    for (const s of c.addedSteps) lines.push(`- added ${s}`);
    for (const s of c.removedSteps) lines.push(`- removed ${s}`);
    for (const s of c.otherChanges) lines.push(`- ${s}`);
    if (c.kind === 'changed') {
      for (const a of c.addedArrows) lines.push(`- rewired: new arrow ${a}`);
      for (const a of c.removedArrows) lines.push(`- rewired: no more arrow ${a}`);
    }
    lines.push('');
    for (const [title, flow] of [[`Before (\`${ref}\`)`, c.before], ['After', c.after]] as const) {
      if (!flow) continue;
      lines.push(`<details><summary>${title}</summary>`, '', `\`\`\`${fence}`, render(flow).trimEnd(), '```', '', '</details>', '');
    }
  }
  return lines.join('\n');
}

export async function diagramDiff(project: DiagramProject, ref: string, name: string | undefined, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  const before = flowsAtRef(project, ref);
  const { flows: after, warnings } = project.collect(project.listFiles());
  for (const w of warnings) err.write(`warning: ${w}\n`);
  if (name && ![...before, ...after].some((f) => f.name === name)) throw new UnknownOrchestrationError(name, [...new Set([...after, ...before].map((f) => f.name))]);
  const only = (fs: OrchestrationFlow[]) => fs.filter((f) => !name || f.name === name);
  const changes = diffFlows(only(before), only(after));
  const spec = formatSpec(project.options.diagramFormat);
  out.write(diffMarkdown(changes, ref, (f) => spec.render(f), spec.fence));
  return changes.length ? 1 : 0;
}
