/**
 * Activity colours — `#hex` or any CSS colour name — reach every format that shows colour
 * (mermaid styles, DOT fillcolor, PlantUML) as the same hex; DOT lays out without a warning;
 * an unknown name is a warning, and the step is drawn without colour.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { extractOrchestrations } from '../../src/diagram/extractor.js';
import { hexColor } from '../../src/diagram/formats/format.js';
import type { OrchestrationFlow } from '../../src/diagram/flow-graph.js';
import { renderDiagram } from '../../src/diagram/render.js';
import { requireTool } from '../support/required-tool.js';

it('normalises #rgb, #rgba, names both CSS and Graphviz know, and drops the rest', () => {
  expect(hexColor('#fc0')).toBe('#ffcc00');
  expect(hexColor('#FC08')).toBe('#ffcc0088');
  expect(hexColor('#FFD580')).toBe('#ffd580');
  expect(hexColor('orange')).toBe('#ffa500');
  expect(hexColor('rebeccapurple-ish')).toBeUndefined();
  expect(hexColor('#12345')).toBeUndefined();
});

it('DOT with every kind of colour lays out without a warning and repeats no attribute', (ctx) => {
  requireTool(ctx, 'Graphviz `dot`', spawnSync('dot', ['-V']).status === 0, 'apt-get install graphviz');
  const colors = ['#fc0', '#ffd58080', 'orange', 'notacolor'];
  const flow: OrchestrationFlow = {
    name: 'Colours',
    file: 'x.ts',
    graph: {
      nodes: [{ id: 'start', kind: 'start', label: 'Start' }, ...colors.map((color, i) => ({ id: `n${i + 1}`, kind: 'activity' as const, name: `a${i}`, label: `a${i}`, color }))],
      edges: colors.map((_, i) => ({ from: i === 0 ? 'start' : `n${i}`, to: `n${i + 1}` })),
    },
  };
  const dot = renderDiagram(flow, 'dot');
  for (const line of dot.split('\n').filter((l) => l.includes('['))) {
    const keys = [...line.matchAll(/(\w+)=/g)].map((m) => m[1]);
    expect(new Set(keys).size, line).toBe(keys.length);
  }
  const run = spawnSync('dot', ['-Tsvg'], { input: dot, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('#ffcc00');
});

const NAMED = `import { activity, orchestration } from 'duroxide-llm';
export class Steps {
  @activity({ diagramColor: 'green' })
  async approve() {}
  @activity({ diagramColor: 'LightSalmon' })
  async refund() {}
  @activity({ diagramColor: 'gren' })
  async audit() {}
}
@orchestration()
export class Review {
  async run(ctx) {
    await ctx.scheduleActivity('approve');
    await ctx.scheduleActivity('refund');
    await ctx.scheduleActivity('audit');
  }
}
`;

describe('named colours', () => {
  const extracted = extractOrchestrations(NAMED, 'src/review.ts');
  const flow = extracted.flows[0];
  const byName = (name: string) => flow.graph.nodes.find((n) => n.name === name)!;

  it('every CSS colour name, in any case, is a colour; an unknown name is a warning with the closest names', () => {
    expect(hexColor('green')).toBe('#008000');
    expect(hexColor('LightSalmon')).toBe('#ffa07a');
    expect(hexColor('rebeccapurple')).toBe('#663399');
    expect(byName('approve').color).toBe('green');
    expect(byName('audit').color).toBeUndefined();
    expect(extracted.warnings).toEqual([
      { file: 'src/review.ts', line: 7, message: 'activity "audit": diagramColor "gren" is neither #hex nor a CSS colour name, so the step is drawn without a colour; did you mean "green", "grey" or "gray"?' },
    ]);
  });

  it('reach the mermaid style, the DOT fillcolor and the PlantUML activity as the same hex', () => {
    const mermaid = renderDiagram(flow, 'mermaid');
    expect(mermaid).toContain(`style ${byName('approve').id} fill:#008000`);
    expect(mermaid).toContain(`style ${byName('refund').id} fill:#ffa07a`);
    expect(renderDiagram(flow, 'dot')).toMatch(new RegExp(`${byName('approve').id} \\[[^\\]]*fillcolor="#008000"`));
    const puml = renderDiagram(flow, 'plantuml');
    expect(puml).toContain(`as ${byName('refund').id} #ffa07a`);
    expect(puml).not.toMatch(new RegExp(`as ${byName('audit').id} #`));
  });

  it('PlantUML draws the colour', (ctx) => {
    requireTool(ctx, 'PlantUML', spawnSync('plantuml', ['-version']).status === 0, 'apt-get install plantuml');
    const svg = spawnSync('plantuml', ['-tsvg', '-pipe'], { input: renderDiagram(flow, 'plantuml'), encoding: 'utf8' }).stdout;
    expect(svg.toLowerCase()).toContain('fill="#ffa07a"');
  });
});
