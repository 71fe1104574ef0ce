/**
 * An LLM operation as pure functions: build the request for an attempt, parse the answer.
 * The runtime runs the attempts in the orchestration, so a re-ask after an invalid answer
 * is its own recorded LLM call; `parse` must depend only on the answer and the arguments.
 */
import type { LlmRequest, LlmResponse } from '../provider.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; feedback: string };

export interface OperationSpec<A, T> {
  operation: string;
  /** What the caller passed; library templates stay out so upgrades don't break replays. */
  hashInput(args: A): unknown;
  buildRequest(args: A, attempt: number, feedback?: string): LlmRequest;
  parse(response: LlmResponse, args: A): ParseResult<T>;
  maxAttempts(args: A): number;
}

/** Appends the previous attempt's problem to the prompt of a re-ask. */
export function withFeedback(prompt: string, feedback?: string): string {
  return feedback ? `${prompt}\n\nYour previous answer was not usable: ${feedback}` : prompt;
}
