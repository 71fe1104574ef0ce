/**
 * The built-in `duroxide.agent` orchestration: an LLM plans tool calls, loop by loop, under
 * guardrails. Each iteration is one execution: plan (generateStructured), check the plan,
 * get approvals, run the actions (sequentially or with ctx.all), then continueAsNew with the
 * compacted state — so history stays small however long the run is.
 */
import type { OrchestrationContext } from '../runtime/context-api.js';
import type { Json, LlmUsage } from '../runtime/history.js';
import { compileSchema } from '../llm/json-schema.js';
import type { ToolDefinition } from '../tools/registry.js';
import { LlmBudgetExceededError } from '../runtime/errors.js';
import { remainingBudget } from './remaining-budget.js';
import { budgetSpent } from '../runtime/llm-ledger.js';
import { resolveConfig, type AgentConfig, type ResolvedAgentConfig } from './agent-config.js';
import { PLAN_SCHEMA, type Plan, type PlannedAction } from './plan-schema.js';
import { compactTranscript, entryText, type TranscriptEntry } from './transcript.js';

export const AGENT_ORCHESTRATION = 'duroxide.agent';

export interface AgentInput {
  intent: string;
  /** Extra facts for the planner (JSON). */
  context?: Json;
  /** An allow-list of tools for this run (on top of `config.allowedTools`). */
  tools?: string[];
  config?: AgentConfig;
  /** Carried across continue-as-new; absent on the first iteration. */
  state?: AgentState;
}

export interface AgentState {
  iteration: number;
  usage: LlmUsage;
  /** Absolute deadline (ms since epoch) of the whole run, if it has one. */
  deadlineMs: number | null;
  hallucinations: number;
  transcript: TranscriptEntry[];
  /** Full entries of the iteration that just ended (kept in that execution's history). */
  lastIteration?: TranscriptEntry[];
}

export type AgentDoneReason = 'completed' | 'max_iterations' | 'budget_exceeded' | 'timeout' | 'hallucination_limit';

export interface AgentResult {
  summary: string;
  doneReason: AgentDoneReason;
  /** The LLM's own reason when it finished the work. */
  llmReason?: string;
  iterations: number;
  usage: LlmUsage;
  transcript: TranscriptEntry[];
  lastIteration: TranscriptEntry[];
}

export async function agentOrchestration(ctx: OrchestrationContext, input: AgentInput): Promise<AgentResult | never> {
  const config = resolveConfig(input.config);
  const previous: AgentState = input.state ?? {
    iteration: 0,
    usage: { input: 0, output: 0 },
    deadlineMs: config.timeoutMs !== undefined ? ctx.utcNow() + config.timeoutMs : null,
    hallucinations: 0,
    transcript: [],
  };
  const iteration = previous.iteration + 1;
  const log: TranscriptEntry[] = [];
  const usage = () => ({ input: previous.usage.input + ctx.llmUsage().input, output: previous.usage.output + ctx.llmUsage().output });
  /** Ends the run; `ran` is how many iterations did any work. */
  const finish = (doneReason: AgentDoneReason, summary: string, ran: number, llmReason?: string): AgentResult => {
    ctx.setCustomStatus({ iteration: ran, step: 'done', doneReason });
    return {
      summary,
      doneReason,
      ...(llmReason ? { llmReason } : {}),
      iterations: ran,
      usage: usage(),
      transcript: compactTranscript([...previous.transcript, ...log], config.maxContextTokens),
      lastIteration: log,
    };
  };

  const before = previous.iteration;
  if (iteration > config.maxIterations) return finish('max_iterations', `Stopped after ${config.maxIterations} iterations without finishing.`, before);
  if (overBudget(config, previous.usage)) {
    return finish('budget_exceeded', `Stopped: the LLM budget is spent (${previous.usage.input + previous.usage.output} tokens).`, before);
  }

  // The ledger refuses any LLM call of this iteration (a re-ask included) past the run's budget.
  if (config.maxCost) ctx.setLlmBudget(remainingBudget(config.maxCost, previous.usage, config.llm?.model));
  const work = ctx.task(() => runIteration(ctx, input, config, previous, iteration, log));
  let outcome: IterationOutcome;
  if (previous.deadlineMs !== null) {
    const remaining = previous.deadlineMs - ctx.utcNow();
    if (remaining <= 0) return finish('timeout', 'Stopped: the run reached its timeout.', before);
    const winner = await ctx.race(work, ctx.scheduleTimer(remaining));
    if (winner.index === 1) return finish('timeout', 'Stopped: the run reached its timeout.', iteration);
    outcome = winner.value as IterationOutcome;
  } else {
    outcome = await work;
  }

  if (outcome.kind === 'done') return finish('completed', outcome.summary, iteration, outcome.reason);
  if (outcome.kind === 'budget') return finish('budget_exceeded', `Stopped: the LLM budget is spent (${outcome.reason}).`, iteration);
  const hallucinations = previous.hallucinations + outcome.hallucinations;
  if (hallucinations >= config.maxHallucinations) {
    return finish('hallucination_limit', `Stopped: the plans named unknown tools or invalid parameters ${hallucinations} times.`, iteration);
  }
  const state: AgentState = {
    iteration,
    usage: usage(),
    deadlineMs: previous.deadlineMs,
    hallucinations,
    transcript: compactTranscript([...previous.transcript, ...log], config.maxContextTokens),
    lastIteration: log,
  };
  return ctx.continueAsNew({ ...input, state });
}

type IterationOutcome = { kind: 'done'; summary: string; reason?: string } | { kind: 'continue'; hallucinations: number } | { kind: 'budget'; reason: string };

async function runIteration(
  ctx: OrchestrationContext,
  input: AgentInput,
  config: ResolvedAgentConfig,
  previous: AgentState,
  iteration: number,
  log: TranscriptEntry[],
): Promise<IterationOutcome> {
  const tools = offeredTools(ctx.describeTools(), config, input.tools);
  ctx.setCustomStatus({ iteration, step: 'planning' });
  let plan: Plan;
  try {
    plan = await ctx.generateStructured<Plan>(planningPrompt(input, tools, previous.transcript, config), PLAN_SCHEMA, config.llm);
  } catch (err) {
    if (err instanceof LlmBudgetExceededError) return { kind: 'budget', reason: err.message };
    throw err;
  }
  log.push({
    iteration,
    kind: 'plan',
    thought: plan.thought,
    actions: plan.actions.map((a) => ({ tool: a.tool, id: a.id, params: a.params })),
    parallel: plan.parallel,
    done: plan.done,
  });
  if (plan.done) return { kind: 'done', summary: plan.summary ?? plan.thought, ...(plan.done_reason ? { reason: plan.done_reason } : {}) };

  // Check every action before anything runs.
  let hallucinations = 0;
  const runnable: PlannedAction[] = [];
  for (const action of plan.actions) {
    const tool = tools.find((t) => t.name === action.tool);
    if (config.forbiddenTools.includes(action.tool)) {
      log.push({ iteration, kind: 'rejected', id: action.id, tool: action.tool, reason: 'this tool is forbidden in this run' });
    } else if (!tool) {
      hallucinations++;
      log.push({ iteration, kind: 'invalid', id: action.id, tool: action.tool, reason: `there is no tool named "${action.tool}"; available: ${tools.map((t) => t.name).join(', ')}` });
    } else {
      const errors = compileSchema(tool.parametersSchema, `parameters of tool "${tool.name}"`)(action.params).errors;
      if (errors.length) {
        hallucinations++;
        log.push({ iteration, kind: 'invalid', id: action.id, tool: action.tool, reason: `invalid params: ${errors.join('; ')}` });
      } else {
        runnable.push(action);
      }
    }
  }

  const approved: PlannedAction[] = [];
  for (const action of runnable) {
    if (!config.approvalRequired.includes(action.tool)) {
      approved.push(action);
      continue;
    }
    ctx.setCustomStatus({ iteration, step: 'awaiting approval', thought: plan.thought, pendingApproval: { actionId: action.id, tool: action.tool, params: action.params as Json } });
    const decision = await awaitApproval(ctx, action.id, config.approvalTimeoutMs);
    log.push({ iteration, kind: 'approval', id: action.id, tool: action.tool, approved: decision.approved, ...(decision.reason ? { reason: decision.reason } : {}) });
    if (decision.approved) approved.push(action);
  }

  ctx.setCustomStatus({ iteration, step: 'acting', thought: plan.thought, actions: approved.map((a) => a.id) });
  const run = (a: PlannedAction) =>
    ctx.task(async (): Promise<TranscriptEntry> => {
      try {
        const value = await ctx.scheduleActivity(a.tool, a.params);
        return { iteration, kind: 'result', id: a.id, tool: a.tool, ok: true, value };
      } catch (err) {
        return { iteration, kind: 'result', id: a.id, tool: a.tool, ok: false, error: (err as Error).message };
      }
    });
  if (plan.parallel) {
    log.push(...(await ctx.all(approved.map(run))));
  } else {
    for (const a of approved) log.push(await run(a));
  }
  return { kind: 'continue', hallucinations };
}

async function awaitApproval(ctx: OrchestrationContext, actionId: string, timeoutMs: number | undefined): Promise<{ approved: boolean; reason?: string }> {
  const event = ctx.waitForEvent<{ approved?: boolean; reason?: string }>(`approval:${actionId}`);
  if (timeoutMs === undefined) return normalise(await event);
  const winner = await ctx.race(event, ctx.scheduleTimer(timeoutMs));
  if (winner.index === 1) return { approved: false, reason: `no approval within ${timeoutMs} ms` };
  return normalise(winner.value as { approved?: boolean; reason?: string });
}

function normalise(d: { approved?: boolean; reason?: string } | null): { approved: boolean; reason?: string } {
  return { approved: d?.approved === true, ...(typeof d?.reason === 'string' ? { reason: d.reason } : {}) };
}

function offeredTools(all: ToolDefinition[], config: ResolvedAgentConfig, perRun: string[] | undefined): ToolDefinition[] {
  return all.filter(
    (t) => !config.forbiddenTools.includes(t.name) && (!config.allowedTools || config.allowedTools.includes(t.name)) && (!perRun || perRun.includes(t.name)),
  );
}

/** The run's usage (all executions) against maxCost, priced at the planning model's price. */
function overBudget(config: ResolvedAgentConfig, used: LlmUsage): boolean {
  if (!config.maxCost) return false;
  return budgetSpent(config.maxCost, new Map([[config.llm?.model ?? '*', used]])) !== null;
}

function planningPrompt(input: AgentInput, tools: ToolDefinition[], transcript: TranscriptEntry[], config: ResolvedAgentConfig): string {
  const toolLines = tools.map(
    (t) =>
      `- ${t.name}: ${t.description || '(no description)'}${config.approvalRequired.includes(t.name) ? ' [needs human approval]' : ''}\n  params schema: ${JSON.stringify(t.parametersSchema)}` +
      t.examples.map((ex) => `\n  example${ex.description ? ` (${ex.description})` : ''}: ${JSON.stringify(ex.params)}${ex.result !== undefined ? ` -> ${JSON.stringify(ex.result)}` : ''}`).join(''),
  );
  return [
    `Intent: ${input.intent}`,
    ...(input.context !== undefined ? [`Context: ${JSON.stringify(input.context)}`] : []),
    `Tools you may call:\n${toolLines.join('\n') || '(none)'}`,
    transcript.length ? `What happened so far:\n${transcript.map(entryText).join('\n')}` : 'Nothing has been done yet.',
    'Plan the next step. Give each action a unique id. Set "parallel" when the actions are independent. ' +
      'Set "done": true with a "summary" when the intent is achieved or cannot be achieved.',
  ].join('\n\n');
}
