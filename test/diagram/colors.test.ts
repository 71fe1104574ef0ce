/** Activity colours reach every format as colours it knows: DOT lays out without a warning. */
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
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
