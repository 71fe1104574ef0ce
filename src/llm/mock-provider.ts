/**
 * MockLlmProvider: scripted answers for tests and demos. Give a list (used in order), a
 * function, or matchers on the request; every request is recorded in `calls`.
 */
import { LlmRequestError } from './errors.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';
import { requestText } from './request-text.js';
import { estimateTokens } from './token-estimate.js';

export type MockAnswer = string | (Partial<LlmResponse> & { text: string }) | Error;
export type MockResponder = (request: LlmRequest, callIndex: number) => MockAnswer | Promise<MockAnswer>;
export interface MockMatcher {
  /** A substring or pattern of the prompt (system + user text), or a predicate. */
  match: string | RegExp | ((request: LlmRequest) => boolean);
  respond: MockAnswer | MockResponder;
}

export interface MockLlmProviderOptions {
  name?: string;
  model?: string;
  /** Milliseconds to wait before answering (simulates model latency). */
  latencyMs?: number;
}

export class MockLlmProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  /** Every request received, in order. */
  readonly calls: LlmRequest[] = [];
  private readonly latencyMs: number;
  private next = 0;

  constructor(
    private readonly script: MockAnswer[] | MockResponder | MockMatcher[],
    opts: MockLlmProviderOptions = {},
  ) {
    this.name = opts.name ?? 'mock';
    this.model = opts.model ?? 'mock-model';
    this.latencyMs = opts.latencyMs ?? 0;
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const index = this.calls.length;
    const { signal: _s, ...recorded } = request;
    this.calls.push(recorded);
    if (this.latencyMs) await new Promise((r) => setTimeout(r, this.latencyMs));
    const answer = await this.answerFor(request, index);
    if (answer instanceof Error) throw answer;
    const body = typeof answer === 'string' ? { text: answer } : answer;
    return {
      text: body.text,
      model: body.model ?? request.model ?? this.model,
      finishReason: body.finishReason ?? 'stop',
      usage: body.usage ?? { input: estimateTokens(requestText(request)), output: estimateTokens(body.text) },
    };
  }

  private async answerFor(request: LlmRequest, index: number): Promise<MockAnswer> {
    const script = this.script;
    if (typeof script === 'function') return script(request, index);
    if (script.length > 0 && isMatcher(script[0])) {
      const text = requestText(request);
      for (const m of script as MockMatcher[]) {
        const hit = typeof m.match === 'string' ? text.includes(m.match) : m.match instanceof RegExp ? m.match.test(text) : m.match(request);
        if (hit) return typeof m.respond === 'function' ? (m.respond as MockResponder)(request, index) : m.respond;
      }
      throw new LlmRequestError(`MockLlmProvider: no matcher matches the request starting "${text.slice(0, 80)}"`);
    }
    const list = script as MockAnswer[];
    if (this.next >= list.length) {
      throw new LlmRequestError(
        `MockLlmProvider: the script has ${list.length} answer(s) and all were used; request ${index + 1} starts "${requestText(request).slice(0, 80)}"`,
      );
    }
    return list[this.next++];
  }
}

function isMatcher(x: unknown): x is MockMatcher {
  return typeof x === 'object' && x !== null && 'match' in x && 'respond' in x;
}
