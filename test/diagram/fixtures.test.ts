/**
 * Every fixture's extraction and renderings match its reviewed snapshots, and every rendering
 * is valid in its format. `npm run test:update-snapshots` (UPDATE_SNAPSHOTS=1) rewrites them;
 * a missing snapshot is written locally, but fails in CI, like a changed one.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { extractOrchestrations } from '../../src/diagram/extractor.js';
import { validateDiagram } from '../../src/diagram/diagram-validation.js';
import { hasPlantUml, plantUmlSyntax } from '../../src/diagram/formats/plantuml.js';
import { parseMermaid, stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { DIAGRAM_FORMATS, FORMAT_EXTENSION, renderDiagram } from '../../src/diagram/render.js';
import { requireTool, inCI } from '../support/required-tool.js';
import { FIXTURES } from './diagram-project.js';

const update = process.env.UPDATE_SNAPSHOTS === '1' || process.env.UPDATE_FIXTURES === '1'; // the old name still works
const sources = readdirSync(FIXTURES).filter((f) => f.endsWith('.ts')).sort();
const dotparser = createRequire(import.meta.url)('dotparser') as (s: string) => unknown;
let hasDot = true;
try {
  execFileSync('dot', ['-V'], { stdio: 'ignore' });
} catch {
  hasDot = false;
}

afterAll(() => stopMermaidValidator());

function snapshot(path: string, actual: string): void {
  const name = relative(process.cwd(), path);
  if (update) writeFileSync(path, actual);
  else if (!existsSync(path)) {
    if (inCI) expect.fail(`snapshot ${name} is missing; run \`npm run test:update-snapshots\`, review and commit it`);
    writeFileSync(path, actual);
    console.warn(`wrote the new snapshot ${name}: review and commit it`);
  }
  expect(actual, `${name} does not match the current output; if the change is intended, run \`npm run test:update-snapshots\``).toBe(readFileSync(path, 'utf8'));
}

describe('fixtures', () => {
  it('cover every construct (at least 15 sources)', () => {
    expect(sources.length).toBeGreaterThanOrEqual(15);
  });

  for (const source of sources) {
    describe(source, () => {
      const file = join(FIXTURES, source);
      const result = extractOrchestrations(readFileSync(file, 'utf8'), `fixtures/${source}`);
      const base = file.replace(/\.ts$/, '');

      it('extracts the expected IR', () => {
        const doc = { orchestrations: result.flows, warnings: result.warnings.map((w) => `${w.line ?? '?'}: ${w.message}`) };
        snapshot(`${base}.ir.json`, JSON.stringify(doc, null, 2) + '\n');
      });

      it('its DOT renderings lay out with Graphviz, without a warning', (ctx) => {
        requireTool(ctx, 'Graphviz `dot`', hasDot, 'apt-get install graphviz');
        for (const flow of result.flows) {
          const run = spawnSync('dot', ['-Tsvg'], { input: renderDiagram(flow, 'dot'), encoding: 'utf8' });
          expect(run.stderr).toBe('');
          expect(run.stdout).toContain('<svg');
        }
      });

      it('its PlantUML renderings are read by PlantUML itself', (ctx) => {
        requireTool(ctx, 'PlantUML', hasPlantUml(), 'apt-get install plantuml');
        for (const flow of result.flows) expect(plantUmlSyntax(renderDiagram(flow, 'plantuml'))).toBeNull();
      });

      for (const format of DIAGRAM_FORMATS) {
        it(`renders ${format} as reviewed; it parses and has the IR's structure`, async () => {
          const text = result.flows.map((f) => renderDiagram(f, format)).join(format === 'plantuml' ? '\n' : '\n%% ---\n');
          snapshot(`${base}.${FORMAT_EXTENSION[format]}`, text);
          for (const flow of result.flows) {
            const one = renderDiagram(flow, format);
            if (format === 'mermaid' || format === 'sequence') expect(await parseMermaid(one)).toBeNull();
            if (format === 'dot') expect(() => dotparser(one)).not.toThrow();
            if (format === 'plantuml') expect(one).toMatch(/^@startuml[\s\S]*@enduml\n$/);
            // The deterministic diagrams pass the check LLM diagrams must pass.
            expect((await validateDiagram(one, format, flow)).errors).toEqual([]);
          }
        });
      }
    });
  }

  it('broken syntax warns with file and line and still draws what it read', () => {
    const r = extractOrchestrations(readFileSync(join(FIXTURES, 'broken-syntax.ts'), 'utf8'), 'fixtures/broken-syntax.ts');
    expect(r.warnings.length).toBeGreaterThan(0);
    expect(r.warnings[0]).toMatchObject({ file: 'fixtures/broken-syntax.ts' });
    expect(r.warnings[0].line).toBeGreaterThan(0);
  });

  it('never throws, whatever it is given', () => {
    for (const junk of ['@orchestration(', 'registerOrchestration(((', 'function* x() { yield ctx.', '\u0000\u0001@orchestration class {', '}'.repeat(1000) + '@orchestration']) {
      expect(() => extractOrchestrations(junk, 'junk.ts')).not.toThrow();
    }
  });

  it('keeps string literals of the code (prompts) out of the IR', () => {
    const r = extractOrchestrations(readFileSync(join(FIXTURES, 'llm-operations.ts'), 'utf8'), 'x.ts');
    const ir = JSON.stringify(r.flows);
    expect(ir).not.toContain('Draft a reply');
    expect(ir).not.toContain('Is this urgent');
    expect(ir).toContain('LLM sentiment');
  });

  it('shows the string literals a condition compares, and no other', () => {
    const r = extractOrchestrations(readFileSync(join(FIXTURES, 'string-literals.ts'), 'utf8'), 'x.ts');
    const ir = JSON.stringify(r.flows);
    expect(ir).toContain('ticket.priority === \\"urgent\\"');
    expect(ir).toContain('case \\"refund\\"');
    expect(ir).toContain('case \\"bug\\"');
    expect(ir).not.toContain('Secret prompt');
    expect(ir).not.toContain('Draft a private answer');
  });
});
