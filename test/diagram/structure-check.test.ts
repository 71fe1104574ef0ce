/**
 * The structural check an LLM's diagram must pass: whole-label steps, nothing invented, and the
 * IR's order and reachability — for flowcharts, sequence diagrams, DOT and PlantUML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateDiagram } from '../../src/diagram/diagram-validation.js';
import { extractOrchestrations } from '../../src/diagram/extractor.js';
import type { OrchestrationFlow } from '../../src/diagram/flow-graph.js';
import { stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { FIXTURES } from './diagram-project.js';

afterAll(() => stopMermaidValidator());

const flowOf = (fixture: string) => extractOrchestrations(readFileSync(join(FIXTURES, fixture), 'utf8'), fixture).flows[0];
const saga = flowOf('order-saga.ts');
const errorsOf = async (text: string, format: 'mermaid' | 'sequence' | 'dot' | 'plantuml', flow: OrchestrationFlow = saga) => (await validateDiagram(text, format, flow)).errors;

/** A three-step chain a -> ship -> notify, registered in code. */
const chain: OrchestrationFlow = {
  name: 'Chain',
  file: 'x.ts',
  graph: {
    nodes: [
      { id: 'start', kind: 'start', label: 'Start' },
      { id: 'n1', kind: 'activity', name: 'a', label: 'a' },
      { id: 'n2', kind: 'activity', name: 'ship', label: 'ship' },
      { id: 'n3', kind: 'activity', name: 'notify', label: 'notify' },
      { id: 'end', kind: 'end', label: 'End' },
    ],
    edges: [
      { from: 'start', to: 'n1' },
      { from: 'n1', to: 'n2' },
      { from: 'n2', to: 'n3' },
      { from: 'n3', to: 'end' },
    ],
  },
};

describe('structural check', () => {
  it('accepts a faithful flowchart', async () => {
    expect(await errorsOf('flowchart TD\n  s([Start]) --> x[a] --> y[ship] --> z[notify] --> e([End])\n', 'mermaid', chain)).toEqual([]);
  });

  it('matches whole labels: "shipOrder" is not "ship", and "a" is not any word a', async () => {
    const errors = await errorsOf('flowchart TD\n  x[Send a mail] --> y[shipOrder] --> z[notify]\n', 'mermaid', chain);
    expect(errors).toContain('missing activity "a"');
    expect(errors).toContain('missing activity "ship"');
    expect(errors).toContain('invented step "shipOrder" (not in the orchestration)');
  });

  it('rejects a reversed edge, a dropped edge and an added path', async () => {
    expect(await errorsOf('flowchart TD\n  x[a] --> z[notify] --> y[ship]\n', 'mermaid', chain)).toEqual(expect.arrayContaining(['reverses "ship" -> "notify" (the code runs "ship" first)']));
    expect(await errorsOf('flowchart TD\n  x[a] --> y[ship]\n  z[notify]\n', 'mermaid', chain)).toEqual(['drops the path "ship" -> "notify"']);
    expect(await errorsOf('flowchart TD\n  x[a] --> y[ship] --> z[notify]\n  z --> x\n', 'mermaid', chain)).toEqual(expect.arrayContaining(['adds a path "notify" -> "a" that the code does not have']));
  });

  it("accepts the seed's sequence style: success path, then else Payment Failed with the compensation", async () => {
    const seed = `sequenceDiagram
  participant O as OrderSaga
  participant I as Inventory
  participant P as Payments
  participant M as Manager
  O->>I: Reserve inventory
  alt payment succeeds
    O->>P: Charge card
  else Payment Failed
    O->>I: Release inventory
    break order failed
      Note over O: throw
    end
  end
  opt order.total > 1000
    par first wins
      M-->>O: managerApproval
    and
      Note over O: wait 24h timer
      O->>O: wait 24h
    end
    opt expired
      break expired
        Note over O: return
      end
    end
  end
  O->>I: shipOrder
`;
    expect(await errorsOf(seed, 'sequence')).toEqual([]);
    // The same with the compensation outside the failure branch reaches shipOrder: rejected.
    const wrong = seed.replace('    break order failed\n      Note over O: throw\n    end\n', '');
    expect(await errorsOf(wrong, 'sequence')).toEqual(expect.arrayContaining(['adds a path "release inventory" -> "ship order" that the code does not have']));
  });

  it('reads DOT and PlantUML structure too', async () => {
    expect(await errorsOf('digraph g { x [label="a"]; y [label="ship"]; z [label="notify"]; z -> y; x -> z; }', 'dot', chain)).toEqual(expect.arrayContaining(['reverses "ship" -> "notify" (the code runs "ship" first)']));
    expect(await errorsOf('@startuml\nstart\n:a;\n:ship;\n:notify;\nstop\n@enduml\n', 'plantuml', chain)).toEqual([]);
    expect(await errorsOf('@startuml\nstart\n:a;\n:notify;\n:ship;\nstop\n@enduml\n', 'plantuml', chain)).not.toEqual([]);
  });
});

describe('structure the diagram may phrase its own way', () => {
  it('a rephrased decision is structure, not an invented step; an unknown box still is', async () => {
    const ok = `flowchart TD
  s([Start]) --> r[Reserve inventory] --> c[Charge card]
  c -->|fails| e[on error] --> rel[Release inventory]
  c --> big{Total over 1000?}
  big -->|yes| w>wait for managerApproval]
  big -->|yes| t((wait 24h))
  w --> x{decision index === 1}
  t --> x
  x -->|no| ship[shipOrder]
  big -->|no| ship
`;
    expect(await errorsOf(ok, 'mermaid')).toEqual([]);
    expect(await errorsOf(ok.replace('big -->|no| ship', 'big -->|no| ship\n  ship --> m[Send marketing email]'), 'mermaid')).toEqual(['invented step "Send marketing email" (not in the orchestration)']);
  });
});

describe("the seed's own sequence style", () => {
  it('calls the step, then alt success / else Payment Failed with the compensating calls; replies are not steps', async () => {
    const seed = `sequenceDiagram
  participant Client
  participant Orchestrator
  participant Inventory
  participant Payment
  participant Shipping
  Client->>Orchestrator: Start order
  Orchestrator->>Inventory: Reserve inventory
  Inventory-->>Orchestrator: Reserved
  Orchestrator->>Payment: Charge card
  alt Payment Success
    Payment-->>Orchestrator: Charged
    opt order.total > 1000
      par first wins
        Client-->>Orchestrator: managerApproval
      and
        Orchestrator->>Orchestrator: wait 24h
      end
      opt expired
        break
          Orchestrator-->>Client: expired
        end
      end
    end
    Orchestrator->>Shipping: shipOrder
    Shipping-->>Orchestrator: Shipped
    Orchestrator-->>Client: Order complete
  else Payment Failed
    Payment-->>Orchestrator: Failed
    Orchestrator->>Inventory: Release inventory
    Orchestrator-->>Client: Order failed
  end
`;
    expect(await errorsOf(seed, 'sequence')).toEqual([]);
    // Shipping before charging reverses the IR: rejected in either reading.
    const reversed = seed.replace('Orchestrator->>Payment: Charge card\n', '').replace('    Orchestrator->>Shipping: shipOrder\n', '    Orchestrator->>Shipping: shipOrder\n    Orchestrator->>Payment: Charge card\n');
    expect(await errorsOf(reversed, 'sequence')).not.toEqual([]);
  });
});

describe('literal placeholders', () => {
  it('mask the literals of decisions, loops and edges, and only those, and come back escaped for the format', async () => {
    const { maskLiterals } = await import('../../src/diagram/llm-diagrammer.js');
    const flow: OrchestrationFlow = {
      name: 'Poll',
      file: 'x.ts',
      graph: {
        nodes: [
          { id: 'start', kind: 'start', label: 'Start' },
          { id: 'n1', kind: 'loop', label: 'while status !== "done"' },
          { id: 'n2', kind: 'activity', name: 'check', label: 'Check "inbox"' },
          { id: 'n3', kind: 'decision', label: 'status === "done"' },
        ],
        edges: [{ from: 'n3', to: 'n1', label: 'case "done"' }],
      },
    };
    const { masked, unmask } = maskLiterals(flow);
    const sent = JSON.stringify(masked);
    expect(sent).not.toContain('done');
    expect(sent).toContain('Check \\"inbox\\"'); // a decorator label is the author's, for diagrams
    expect(masked.graph.nodes[1].label).toBe('while status !== __LIT1__');
    expect(masked.graph.edges[0].label).toBe('case __LIT1__');
    expect(unmask('n1{"status === __LIT1__"}', 'mermaid')).toBe('n1{"status === #quot;done#quot;"}');
    expect(unmask('n1 [label="status === __LIT1__"]', 'dot')).toBe('n1 [label="status === \\"done\\""]');
  });
});
