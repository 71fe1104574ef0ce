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

/**
 * A spec that is a ctx method by itself: `ctx.<operation>(...args, opts?)`. `fromCall` turns the
 * method's arguments (before the trailing call options) into the spec's, checking them at the
 * call; the context installs the method and its type from this alone.
 */
export interface MethodSpec<Name extends string, A, T, P extends unknown[]> extends OperationSpec<A, T> {
  operation: Name;
  ctx: { arity: P['length']; fromCall(...args: P): A };
}

/** Declares a MethodSpec, keeping its name and argument types for the context's typed methods. */
export function ctxOperation<Name extends string, A, T, P extends unknown[]>(spec: MethodSpec<Name, A, T, P>): MethodSpec<Name, A, T, P> {
  return spec;
}

/** A non-empty string argument, or a TypeError naming the operation and the argument. */
export function requireText(value: unknown, op: string, arg: string): string {
  if (typeof value !== 'string' || !/\S/.test(value)) throw new TypeError(`ctx.${op}(): ${arg} must be a non-empty string`);
  return value;
}

/** Appends the previous attempt's problem to the prompt of a re-ask. */
export function withFeedback(prompt: string, feedback?: string): string {
  return feedback ? `${prompt}\n\nYour previous answer was not usable: ${feedback}` : prompt;
}
