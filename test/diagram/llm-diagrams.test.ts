/**
 * The LLM diagrammer end to end with a real provider SDK against a loopback server: validated
 * answers are cached (a second build makes zero requests), wrong diagrams are rejected and
 * replaced, and --check notices edits without any LLM.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { OrchestrationFlow } from '../../src/diagram/flow-graph.js';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { stopMermaidValidator } from '../../src/diagram/mermaid-validator.js';
import { renderDiagram } from '../../src/diagram/render.js';
import { OpenAIProvider } from '../../src/llm/openai-provider.js';
import { startLoopbackServer, wire } from '../llm/loopback-server.js';
import { makeProject } from './diagram-project.js';

afterAll(() => stopMermaidValidator());

const GOOD = `flowchart TD
  s([Start]) --> r[Reserve inventory]
  r --> c[Charge card]
  c -->|fails| e[on error]
  e --> rel[Release inventory]
  c --> big{order.total > 1000}
  big -->|yes| w>wait for managerApproval]
  big -->|yes| t((wait 24h))
  w --> ship[shipOrder]
  t --> ship
  big -->|no| ship
  ship --> f([End])
`;
const MISSING = GOOD.replace('c -->|fails| e[on error]\n  e --> rel[Release inventory]\n', '');
const INVENTED = GOOD.replace('ship --> f([End])', 'ship --> mail[Send marketing email]\n  mail --> f([End])');
const BROKEN = 'flowchart TD\n  a[Reserve inventory --> \n';
/** Reserve and Charge swapped: every step is there, in the wrong order. */
const REVERSED = GOOD.replace('s([Start]) --> r[Reserve inventory]\n  r --> c[Charge card]\n  c -->', 's([Start]) --> c[Charge card]\n  c --> r[Reserve inventory]\n  r -->');

async function serverAnswering(...answers: string[]) {
  return startLoopbackServer((_r, i) => ({ body: wire.openai(answers[Math.min(i, answers.length - 1)]) }));
}

describe('LLM diagrams', () => {
  it('a validated LLM diagram is used and cached: the second build makes zero LLM requests', async () => {
    const server = await serverAnswering('```mermaid\n' + GOOD + '```');
    try {
      const root = makeProject(['order-saga.ts']);
      const llm = new OpenAIProvider({ apiKey: 'sk-diagrams', baseURL: `${server.url}/v1`, model: 'diagram-model' });
      const first = await generateDiagrams({ cwd: root, llm }).run();
      expect(first.diagrams[0].source).toBe('llm');
      expect(server.calls).toHaveLength(1);
      // The model saw the IR, not the source: no code or string literals of it.
      const sent = JSON.stringify(server.calls[0].body);
      expect(sent).toContain('Reserve inventory');
      expect(sent).not.toContain('r-${order.id}');
      const second = await generateDiagrams({ cwd: root, llm }).run();
      expect(second.diagrams[0].source).toBe('cache');
      expect(server.calls).toHaveLength(1);
      expect(readFileSync(join(root, 'docs/diagrams/order-saga.mmd'), 'utf8')).toContain('s([Start])');
    } finally {
      await server.close();
    }
  });

  for (const [what, bad] of [
    ['missing an activity', MISSING],
    ['with an invented node', INVENTED],
    ['with bad syntax', BROKEN],
    ['with two steps reversed', REVERSED],
  ] as const) {
    it(`a diagram ${what} is rejected, refined once, then replaced by the deterministic one`, async () => {
      const server = await serverAnswering(bad, bad);
      try {
        const root = makeProject(['order-saga.ts']);
        const llm = new OpenAIProvider({ apiKey: 'sk-diagrams', baseURL: `${server.url}/v1` });
        const result = await generateDiagrams({ cwd: root, llm }).run();
        expect(server.calls).toHaveLength(2);
        expect(JSON.stringify(server.calls[1].body)).toContain('was rejected');
        expect(result.diagrams[0].source).toBe('deterministic');
        expect(result.diagrams[0].diagram).toContain('Release inventory');
        expect(result.warnings.join('\n')).toMatch(/rejected twice/);
        // The rejected answer is never cached: the entry holds the deterministic diagram.
        const dir = join(root, '.duroxide-diagrams');
        const cached = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { source: string; diagram: string });
        expect(cached.map((c) => c.source)).toEqual(['deterministic']);
        expect(cached[0].diagram).toBe(result.diagrams[0].diagram);
      } finally {
        await server.close();
      }
    });
  }

  it('two different orchestrations are each asked for once; after an edit, only the edited one is asked again', async () => {
    // A model that draws whatever IR it is sent, and tells which orchestrations it was asked about.
    const irOf = (body: { messages: { content: string }[] }) =>
      JSON.parse(body.messages.at(-1)!.content.split('\n').find((l) => l.startsWith('{"name"'))!) as OrchestrationFlow;
    const server = await startLoopbackServer((r) => ({ body: wire.openai(renderDiagram({ ...irOf(r.body), file: 'x.ts' }, 'mermaid')) }));
    const asked = () => server.calls.map((c) => irOf(c.body).name);
    try {
      const root = makeProject(['order-saga.ts', 'approval.ts']);
      const llm = new OpenAIProvider({ apiKey: 'sk-diagrams', baseURL: `${server.url}/v1`, model: 'diagram-model' });
      const sources = (r: Awaited<ReturnType<ReturnType<typeof generateDiagrams>['run']>>) =>
        Object.fromEntries(r.diagrams.map((d) => [d.name, d.source]));
      // Two orchestrations that differ: each is asked for once.
      const first = await generateDiagrams({ cwd: root, llm }).run();
      expect(sources(first)).toEqual({ OrderSaga: 'llm', ExpenseApproval: 'llm' });
      expect(asked().sort()).toEqual(['ExpenseApproval', 'OrderSaga']);
      expect(first.diagrams.find((d) => d.name === 'ExpenseApproval')!.diagram).not.toContain('Reserve inventory');

      const file = join(root, 'src/order-saga.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
      const second = await generateDiagrams({ cwd: root, llm }).run();
      // Only the edited one is asked again, and its new diagram shows the edit.
      expect(sources(second)).toEqual({ OrderSaga: 'llm', ExpenseApproval: 'cache' });
      expect(asked().slice(2)).toEqual(['OrderSaga']);
      expect(second.diagrams.find((d) => d.name === 'OrderSaga')!.diagram).toContain('notifyCustomer');
    } finally {
      await server.close();
    }
  });

  it('a corrupt cache entry is ignored and rebuilt', async () => {
    const server = await serverAnswering(GOOD);
    try {
      const root = makeProject(['order-saga.ts']);
      const llm = new OpenAIProvider({ apiKey: 'sk-diagrams', baseURL: `${server.url}/v1` });
      await generateDiagrams({ cwd: root, llm }).run();
      const dir = join(root, '.duroxide-diagrams');
      for (const f of readdirSync(dir)) writeFileSync(join(dir, f), '{ not json');
      const again = await generateDiagrams({ cwd: root, llm }).run();
      expect(again.diagrams[0].source).toBe('llm');
      expect(server.calls).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('compared string literals reach the LLM as placeholders and come back in its diagram', async () => {
    const irOf = (body: { messages: { content: string }[] }) =>
      JSON.parse(body.messages.at(-1)!.content.split('\n').find((l) => l.startsWith('{"name"'))!) as OrchestrationFlow;
    const server = await startLoopbackServer((r) => ({ body: wire.openai(renderDiagram({ ...irOf(r.body), file: 'x.ts' }, 'mermaid')) }));
    try {
      const root = makeProject(['string-literals.ts']);
      const llm = new OpenAIProvider({ apiKey: 'sk-diagrams', baseURL: `${server.url}/v1` });
      const result = await generateDiagrams({ cwd: root, llm }).run();
      const sent = JSON.stringify(server.calls[0].body);
      expect(sent).toContain('__LIT1__');
      expect(sent).not.toContain('urgent');
      expect(sent).not.toContain('refund');
      expect(result.diagrams[0].source).toBe('llm');
      expect(result.diagrams[0].diagram).toContain('ticket.priority === #quot;urgent#quot;');
      expect(result.diagrams[0].diagram).toContain('case #quot;refund#quot;');
      expect(result.diagrams[0].diagram).not.toContain('__LIT');
    } finally {
      await server.close();
    }
  });

  it('--check passes on committed diagrams and fails after the orchestration is edited (no LLM)', async () => {
    const root = makeProject(['order-saga.ts']);
    const cwd = process.cwd();
    const out: string[] = [];
    const sink = { write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream;
    try {
      process.chdir(root);
      expect(await main(['diagram', '--llm', 'off'], sink, sink)).toBe(0);
      expect(await main(['diagram', '--check'], sink, sink)).toBe(0);
      const file = join(root, 'src/order-saga.ts');
      writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
      expect(await main(['diagram', '--check'], sink, sink)).toBe(1);
      expect(out.join('')).toContain('docs/diagrams/order-saga.mmd');
    } finally {
      process.chdir(cwd);
    }
  });

  it('--embed refreshes diagrams between markers in Markdown', async () => {
    const root = makeProject(['order-saga.ts'], { 'README.md': '# Docs\n<!-- duroxide:diagram OrderSaga -->\nold\n<!-- /duroxide:diagram -->\n' });
    const cwd = process.cwd();
    const sink = { write: () => true } as unknown as NodeJS.WritableStream;
    try {
      process.chdir(root);
      expect(await main(['diagram', '--llm', 'off', '--embed', 'README.md'], sink, sink)).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    const md = readFileSync(join(root, 'README.md'), 'utf8');
    expect(md).toContain('```mermaid\n---\ntitle: Order saga');
    expect(md).not.toContain('\nold\n');
  });
});
