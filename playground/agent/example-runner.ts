/**
 * What the worked agent examples share: a planner (OpenAI or Anthropic when a key is set,
 * otherwise scripted plans played by the mock), a runtime on the embedded SQLite store, a
 * "human" who answers approval requests, and the printed transcript and outcome.
 */
import {
  AnthropicProvider,
  MockLlmProvider,
  OpenAIProvider,
  Runtime,
  SqliteStore,
  readAgentTranscript,
  registerAgent,
  silentLogger,
  startAgent,
  type AgentConfig,
  type AgentResult,
  type Json,
  type LlmProvider,
} from '../../src/index.js';

/** One scripted planning answer: the shape of the agent's plan schema. */
export function step(thought: string, actions: { tool: string; params: Record<string, unknown>; id: string }[]): string {
  return JSON.stringify({ thought, actions, parallel: actions.length > 1, done: false });
}

export function finish(summary: string, reason: string): string {
  return JSON.stringify({ thought: 'The intent is achieved.', actions: [], parallel: false, done: true, done_reason: reason, summary });
}

function planner(plans: string[]): { llm: LlmProvider; label: string } {
  if (process.env.OPENAI_API_KEY) return { llm: new OpenAIProvider(), label: 'OpenAI' };
  if (process.env.ANTHROPIC_API_KEY) return { llm: new AnthropicProvider(), label: 'Anthropic' };
  let i = 0;
  return { llm: new MockLlmProvider(() => plans[Math.min(i++, plans.length - 1)]), label: 'scripted mock plans' };
}

export interface AgentExample {
  /** The SQLite file under .duroxide/. */
  database: string;
  /** Instances of @activity classes (the tools). */
  tools: object[];
  intent: string;
  context?: Json;
  config: AgentConfig;
  /** The plans the mock plays when no API key is set. */
  scriptedPlans: string[];
  /** The human's answer to an approval request. */
  decide(tool: string, params: unknown): { approved: boolean; reason: string };
}

export async function runAgentExample(example: AgentExample): Promise<AgentResult> {
  const { llm, label } = planner(example.scriptedPlans);
  const runtime = new Runtime({ store: new SqliteStore({ path: `.duroxide/${example.database}` }), llm, logger: silentLogger });
  runtime.register(...example.tools);
  registerAgent(runtime);
  await runtime.start();

  const id = await startAgent(runtime.client, { intent: example.intent, ...(example.context !== undefined ? { context: example.context } : {}), config: example.config });
  console.log(`agent ${id} planning with ${label}`);
  const answered = new Set<string>();
  for (;;) {
    const status = await runtime.client.getStatus(id);
    const pending = (status?.customStatus as { pendingApproval?: { actionId: string; tool: string; params: unknown } } | undefined)?.pendingApproval;
    if (pending && !answered.has(pending.actionId)) {
      answered.add(pending.actionId);
      const decision = example.decide(pending.tool, pending.params);
      console.log(`  approval requested for ${pending.tool} (${pending.actionId}): ${decision.approved ? 'approving' : 'rejecting'} (${decision.reason})`);
      await runtime.client.raiseEvent(id, `approval:${pending.actionId}`, decision);
    }
    if (status && ['Completed', 'Failed', 'Cancelled'].includes(status.status)) break;
    await new Promise((r) => setTimeout(r, 25));
  }

  const result = (await runtime.client.getResult(id)) as AgentResult;
  console.log('\ntranscript:');
  for (const e of await readAgentTranscript(runtime.client, id)) console.log(' ', JSON.stringify(e));
  console.log(`\n${result.doneReason} after ${result.iterations} iterations: ${result.summary}`);
  await runtime.shutdown({ closeStore: true });
  return result;
}
