/**
 * The build step hands a diagram to the runtime without source code: every diagram module
 * exports `handover` (the IR, the file, the mermaid text), which registerOrchestration records
 * in the store for the console.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagramsIndexCode, moduleExports } from '../../src/diagram/diagram-modules.js';
import { resolveDiagramOptions } from '../../src/diagram/diagram-options.js';
import { DiagramSourcing } from '../../src/diagram/diagram-sourcing.js';
import { extractOrchestrations } from '../../src/diagram/extractor.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

describe('diagram hand-over', () => {
  it('a diagram module’s handover export is recorded by registerOrchestration and read back from the store', async () => {
    const dir = tempDir('duroxide-handover-');
    const flow = extractOrchestrations(readFileSync(join(FIXTURES, 'approval.ts'), 'utf8'), 'fixtures/approval.ts').flows[0];
    const sourcing = new DiagramSourcing(resolveDiagramOptions({ cwd: dir, llm: 'off' }));
    const drawn = await sourcing.diagramFor(flow, 'mermaid', []);
    const handover = moduleExports([drawn], drawn.slug).find((e) => e.name === 'handover')!.value as { graph: { nodes: unknown[] }; file: string; mermaid?: string };
    expect(handover.graph.nodes.length).toBeGreaterThan(2);
    expect(handover.mermaid).toMatch(/^flowchart/);

    const store = new SqliteStore({ path: tempDbPath(dir) });
    const rt = new Runtime({ store, logger: silentLogger });
    rt.registerOrchestration(flow.name, async () => null, { diagram: handover });
    await rt.start();
    const records = await store.listDiagrams!(flow.name);
    await rt.shutdown({ closeStore: true });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ name: flow.name, file: 'fixtures/approval.ts', graph: JSON.parse(JSON.stringify(flow.graph)) });
  });

  it('the index module exports every hand-over; new Runtime({ diagrams: handovers }) records them for decorated or registered orchestrations', async () => {
    const dir = tempDir('duroxide-handover-');
    const flow = extractOrchestrations(readFileSync(join(FIXTURES, 'approval.ts'), 'utf8'), 'fixtures/approval.ts').flows[0];
    const drawn = await new DiagramSourcing(resolveDiagramOptions({ cwd: dir, llm: 'off' })).diagramFor(flow, 'mermaid', []);
    const code = diagramsIndexCode([drawn]);
    const mod = (await import(`data:text/javascript,${encodeURIComponent(code)}`)) as { handovers: Record<string, { graph: unknown }> };
    expect(Object.keys(mod.handovers)).toEqual([flow.name]);

    const store = new SqliteStore({ path: tempDbPath(dir) });
    const rt = new Runtime({ store, logger: silentLogger, diagrams: mod.handovers });
    rt.registerOrchestration(flow.name, async () => null, { version: '1.0.0' });
    rt.registerOrchestration(flow.name, async () => null, { version: '2.0.0' });
    rt.registerOrchestration('not-drawn', async () => null);
    await rt.start();
    const records = await store.listDiagrams!();
    await rt.shutdown({ closeStore: true });
    expect(records.map((r) => `${r.name}@${r.version}`).sort()).toEqual([`${flow.name}@1.0.0`, `${flow.name}@2.0.0`]);
  });
});
