/** A runtime records the flow graph and diagram it was given at registration; the console draws the run from it. */
import { expect, it } from 'vitest';
import { ConsoleApi } from '../../src/console/console-api.js';
import { extractFromSource } from '../../src/console/diagram-records.js';
import { renderDiagram } from '../../src/diagram/render.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Json } from '../../src/runtime/history.js';
import { FLOWS_DIR } from './scenario.js';

it('registerOrchestration({ diagram }) puts the IR in the store, per version, for the console', async () => {
  const flow = extractFromSource(FLOWS_DIR).flows.find((f) => f.name === 'Ticker')!;
  const store = new MemoryStore();
  const rt = new Runtime({ store, logger: silentLogger });
  rt.registerActivity('tick', async (_c, n: number) => n + 1);
  rt.registerOrchestration(
    'Ticker',
    async (ctx, n: number) => {
      const next = await ctx.scheduleActivity<number>('tick', n);
      if (next < 3) return ctx.continueAsNew(next);
      return next;
    },
    { version: '2.0.0', diagram: { graph: flow.graph as unknown as Json, mermaid: renderDiagram(flow, 'mermaid'), file: flow.file } },
  );
  await rt.start();
  try {
    expect((await store.listDiagrams('Ticker')).map((d) => [d.version, d.file])).toEqual([['2.0.0', flow.file]]);
    const id = await rt.client.startOrchestration('Ticker', 0);
    await rt.client.waitForOrchestration(id);
    const d = await new ConsoleApi(store).instance(id);
    expect(d.diagram).toMatchObject({ source: 'store', version: '2.0.0' });
    // The code above is not in the file the IR came from: its sites do not match, name and order do.
    expect(d.overlay?.matchedBy).toBe('name');
    const tick = d.diagram!.graph.nodes.find((n) => n.name === 'tick')!;
    expect(d.overlay!.nodes[tick.id]).toMatchObject({ state: 'done', count: 1 });
  } finally {
    await rt.shutdown();
  }
});

it('with --source, a store without diagram records still gets the diagram, extracted on the spot', async () => {
  const store = new MemoryStore();
  const rt = new Runtime({ store, logger: silentLogger });
  const { registerConsoleFlows } = await import('./fixtures/console-flows.js');
  registerConsoleFlows(rt);
  await rt.start();
  try {
    const id = await rt.client.startOrchestration('OrderFlow', { id: 'o', express: true, amount: 3 });
    await rt.client.waitForOrchestration(id);
    expect((await new ConsoleApi(store).instance(id)).diagram).toBeNull();
    const d = await new ConsoleApi(store, { sourceDir: FLOWS_DIR }).instance(id);
    expect(d.diagram).toMatchObject({ name: 'OrderFlow', source: 'source' });
    expect(d.overlay?.matchedBy).toBe('site');
    const byName = Object.fromEntries(d.diagram!.graph.nodes.filter((n) => n.name).map((n) => [n.name, d.overlay!.nodes[n.id].state]));
    expect(byName).toMatchObject({ shipExpress: 'done', shipStandard: 'not_taken', charge: 'done' });
  } finally {
    await rt.shutdown();
  }
});
