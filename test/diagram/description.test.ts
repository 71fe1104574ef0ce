/**
 * `@orchestration({ diagramDescription })` is drawn in every format — a note in the mermaid
 * flowchart and the sequence diagram, the second line of the DOT heading, the PlantUML
 * caption — and each rendering still parses and passes the structural check.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, expect, it } from 'vitest';
import { validateDiagram } from '../../src/diagram/diagram-validation.js';
import { extractOrchestrations } from '../../src/diagram/extractor.js';
import { stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { DIAGRAM_FORMATS, renderDiagram } from '../../src/diagram/render.js';
import { requireTool } from '../support/required-tool.js';

afterAll(() => stopMermaidValidator());

const SOURCE = `import { orchestration } from 'duroxide-llm';
@orchestration({ diagramTitle: 'Refunds', diagramDescription: 'Pays back within 14 days, or asks a human' })
export class Refund {
  async run(ctx, input) {
    await ctx.scheduleActivity('payBack', input);
  }
}
`;
const flow = extractOrchestrations(SOURCE, 'src/refund.ts').flows[0];
const DESCRIPTION = 'Pays back within 14 days, or asks a human';

it('the extractor reads the description', () => {
  expect(flow.description).toBe(DESCRIPTION);
});

for (const format of DIAGRAM_FORMATS) {
  it(`${format}: the description is drawn, and the diagram parses and matches the flow`, async () => {
    const text = renderDiagram(flow, format);
    expect(text).toContain(DESCRIPTION);
    expect(await validateDiagram(text, format, flow)).toEqual({ ok: true, errors: [] });
  });
}

it('Graphviz draws the description under the title', (ctx) => {
  requireTool(ctx, 'Graphviz `dot`', spawnSync('dot', ['-V']).status === 0, 'apt-get install graphviz');
  const run = spawnSync('dot', ['-Tsvg'], { input: renderDiagram(flow, 'dot'), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  const texts = [...run.stdout.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
  expect(texts.slice(0, 2)).toEqual(['Refunds', DESCRIPTION]);
});

it('PlantUML draws the description as the caption', (ctx) => {
  requireTool(ctx, 'PlantUML', spawnSync('plantuml', ['-version']).status === 0, 'apt-get install plantuml');
  const svg = spawnSync('plantuml', ['-tsvg', '-pipe'], { input: renderDiagram(flow, 'plantuml'), encoding: 'utf8' }).stdout;
  expect(svg).toContain(DESCRIPTION);
});
