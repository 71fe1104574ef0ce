/**
 * The build-script API and what a build leaves behind: the builder form beside the object
 * form, several formats per build, a `.d.ts` that declares every named export of the diagram
 * modules, and a committed cache folder that changes only when a diagram does.
 */
import { readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import { renderDiagram } from '../../src/diagram/render.js';
import type { OrchestrationFlow } from '../../src/diagram/flow-graph.js';
import { makeProject } from './diagram-project.js';

afterAll(() => stopMermaidValidator());

/** A model that draws the IR it is sent (so its answers validate). */
function drawingModel() {
  return new MockLlmProvider([
    {
      match: 'Draw',
      respond: (req) => {
        const ir = JSON.parse(req.prompt!.split('\n').find((l) => l.startsWith('{"name"'))!) as OrchestrationFlow;
        const format = /sequence diagram/.test(req.prompt!) ? 'sequence' : /DOT/.test(req.prompt!) ? 'dot' : 'mermaid';
        return { text: renderDiagram({ ...ir, file: 'x.ts' }, format) };
      },
    },
  ]);
}

const folder = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

describe('generateDiagrams', () => {
  it('works in the builder form beside the object form', async () => {
    const root = makeProject(['order-saga.ts']);
    const built = await generateDiagrams().cwd(root).llm('off').format('dot').outputDir('src/generated').dtsFile(false).run();
    expect(built.diagrams.map((d) => [d.name, d.format])).toEqual([['OrderSaga', 'dot']]);
    expect(readFileSync(join(root, 'src/generated/order-saga.dot'), 'utf8')).toMatch(/^digraph "OrderSaga"/);
    const objectForm = await generateDiagrams({ cwd: root, llm: 'off', format: 'dot', outputDir: 'src/generated', dtsFile: false }).run();
    expect(objectForm.diagrams[0].diagram).toBe(built.diagrams[0].diagram);
    expect(objectForm.written).toEqual([]);
  });

  it('draws several formats per build; the first is the default export', async () => {
    const root = makeProject(['order-saga.ts']);
    const r = await generateDiagrams({ cwd: root, llm: 'off', formats: ['mermaid', 'dot'] }).run();
    expect(r.renderings.map((d) => d.format)).toEqual(['mermaid', 'dot']);
    expect(r.diagrams.map((d) => d.format)).toEqual(['mermaid']);
    expect(readdirSync(join(root, 'docs/diagrams')).sort()).toEqual(['order-saga.dot', 'order-saga.mmd']);
  });

  it('the generated .d.ts declares every named export of the diagram modules (they type-check)', async () => {
    const root = makeProject(['order-saga.ts'], {
      'src/use.ts': [
        "import saga, { title, format, name, irHash, diagrams } from '~duroxide/diagrams/order-saga';",
        "import all from '~duroxide/diagrams';",
        "import viaVirtual, { name as n2 } from 'virtual:duroxide/diagrams/order-saga';",
        "const f: 'mermaid' = format;",
        'export const used: string[] = [saga, title, f, name, irHash, diagrams.mermaid, diagrams.dot, all.OrderSaga, viaVirtual, n2];',
        '',
      ].join('\n'),
    });
    await generateDiagrams({ cwd: root, llm: 'off', formats: ['mermaid', 'dot'] }).run();
    const program = ts.createProgram([join(root, 'src/use.ts'), join(root, 'src/duroxide-diagrams.d.ts')], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [] });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('the committed cache folder changes only when a diagram changes, and drops what no orchestration uses', async () => {
    const root = makeProject(['order-saga.ts', 'approval.ts']);
    const llm = drawingModel();
    const first = await generateDiagrams({ cwd: root, llm }).run();
    expect(first.diagrams.map((d) => d.source)).toEqual(['llm', 'llm']);
    const cacheDir = join(root, '.duroxide-diagrams');
    const before = folder(cacheDir);
    expect(Object.keys(before)).toEqual(['expense-approval.mermaid.json', 'order-saga.mermaid.json']);
    // What a diagram was drawn from, and no file times.
    for (const text of Object.values(before)) expect(Object.keys(JSON.parse(text)).sort()).toEqual(['diagram', 'format', 'irHash', 'model', 'name', 'promptVersion', 'provider', 'schemaVersion', 'source']);

    // A fresh checkout (new file times) and a rebuild: the same bytes, no LLM call.
    for (const f of ['order-saga.ts', 'approval.ts']) utimesSync(join(root, 'src', f), new Date(), new Date(Date.now() + 5000));
    rmSync(join(root, 'node_modules/.cache'), { recursive: true, force: true });
    const calls = llm.calls.length;
    const again = await generateDiagrams({ cwd: root, llm }).run();
    expect(again.diagrams.map((d) => d.source)).toEqual(['cache', 'cache']);
    expect(llm.calls.length).toBe(calls);
    expect(folder(cacheDir)).toEqual(before);

    // Offline (no LLM configured), the committed LLM diagrams are used as they are.
    const offline = await generateDiagrams({ cwd: root, llm: 'off' }).run();
    expect(offline.diagrams.map((d) => d.source)).toEqual(['cache', 'cache']);

    // An orchestration that is gone takes its entry with it.
    rmSync(join(root, 'src/approval.ts'));
    const pruned = await generateDiagrams({ cwd: root, llm }).run();
    expect(pruned.pruned).toEqual(['expense-approval.mermaid.json']);
    expect(Object.keys(folder(cacheDir))).toEqual(['order-saga.mermaid.json']);
  });
});

describe('an LLM-drawn sequence diagram', () => {
  const SEED = `sequenceDiagram
  participant Orchestrator
  participant Inventory
  participant Payment
  participant Approvals
  Orchestrator->>Inventory: Reserve inventory
  Orchestrator->>Payment: Charge card
  alt Payment Success
    opt order.total > 1000
      par first wins
        Approvals-->>Orchestrator: managerApproval
      and
        Orchestrator->>Orchestrator: wait 24h
      end
      opt expired
        break
          Note over Orchestrator: expired
        end
      end
    end
    Orchestrator->>Inventory: shipOrder
  else Payment Failed
    Orchestrator->>Inventory: Release inventory
  end
`;

  it("in the seed's style is accepted and cached; one that ships before charging is rejected and never cached", async () => {
    const good = new MockLlmProvider([{ match: 'Draw', respond: { text: SEED } }]);
    const root = makeProject(['order-saga.ts']);
    const r = await generateDiagrams({ cwd: root, llm: good, format: 'sequence' }).run();
    expect(r.diagrams[0].source).toBe('llm');
    expect(r.diagrams[0].diagram).toBe(SEED);

    const shipsFirst = SEED.replace('  Orchestrator->>Payment: Charge card\n', '').replace('    Orchestrator->>Inventory: shipOrder\n', '    Orchestrator->>Inventory: shipOrder\n    Orchestrator->>Payment: Charge card\n');
    const bad = new MockLlmProvider([{ match: 'Draw', respond: { text: shipsFirst } }]);
    const other = makeProject(['order-saga.ts']);
    const rejected = await generateDiagrams({ cwd: other, llm: bad, format: 'sequence' }).run();
    expect(bad.calls).toHaveLength(2);
    expect(rejected.diagrams[0].source).toBe('deterministic');
    expect(readFileSync(join(other, '.duroxide-diagrams/order-saga.sequence.json'), 'utf8')).not.toContain('Payment Success');
  });
});
