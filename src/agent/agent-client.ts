/** Starting the agent and reading its full transcript from a client. */
import type { Client, StartOptions } from '../runtime/client.js';
import type { Json } from '../runtime/history.js';
import type { Runtime } from '../runtime/runtime.js';
import type { AgentConfig } from './agent-config.js';
import { AGENT_ORCHESTRATION, agentOrchestration, type AgentResult, type AgentState } from './agent-orchestration.js';
import type { TranscriptEntry } from './transcript.js';

/** Registers the built-in `duroxide.agent` orchestration on a runtime. */
export function registerAgent(runtime: Runtime): void {
  runtime.registerOrchestration(AGENT_ORCHESTRATION, agentOrchestration);
}

export function startAgent(
  client: Client,
  run: { intent: string; context?: Json; tools?: string[]; config?: AgentConfig },
  opts?: StartOptions,
): Promise<string> {
  return client.startOrchestration(AGENT_ORCHESTRATION, run, opts);
}

/**
 * Every plan, action, result, approval and rejection of a run, across all its executions:
 * each execution keeps its own iteration's entries in its final event.
 */
export async function readAgentTranscript(client: Client, instanceId: string): Promise<TranscriptEntry[]> {
  const entries: TranscriptEntry[] = [];
  for (const executionId of await client.listExecutions(instanceId)) {
    const history = await client.readHistory(instanceId, { executionId });
    const last = history[history.length - 1];
    if (last?.kind === 'OrchestrationContinuedAsNew') {
      entries.push(...(((last.input as { state?: AgentState }).state?.lastIteration as TranscriptEntry[] | undefined) ?? []));
    } else if (last?.kind === 'OrchestrationCompleted') {
      entries.push(...(((last.output as unknown as AgentResult).lastIteration as TranscriptEntry[] | undefined) ?? []));
    }
  }
  return entries;
}
