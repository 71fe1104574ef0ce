/**
 * OpenTelemetry: spans for turns, activities (with attempt), timers and LLM calls (GenAI
 * semantic conventions), all in one trace per instance, also across a restart, and none for
 * work a replay walks again. Collected with the SDK's in-memory exporter.
 */
import { trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { MockLlmProvider } from '../../src/llm/mock-provider.js';
import type { Runtime } from '../../src/runtime/runtime.js';
import { instanceTraceId } from '../../src/runtime/telemetry.js';
import { startRuntime, stopRuntime } from './runtime-harness.js';

const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
afterAll(() => trace.disable());

const llm = () => new MockLlmProvider(['a colour: blue', 'a fruit: plum'], { model: 'mock-1' });
function register(rt: Runtime) {
  rt.registerActivity('pack', async (_a, what: string) => `packed ${what}`);
  rt.registerOrchestration('traced', async (ctx) => {
    const colour = await ctx.generate('Name a colour');
    const packed = await ctx.scheduleActivity<string>('pack', colour);
    await ctx.scheduleTimer(20);
    await ctx.waitForEvent('go');
    const fruit = await ctx.generate('Name a fruit');
    return `${packed}, ${fruit}`;
  });
}

describe('OpenTelemetry', () => {
  it('one trace per instance with turn, activity, timer and GenAI LLM spans, none repeated by replay after a restart', async () => {
    const first = await startRuntime(register, { llm: llm() });
    const id = await first.runtime.client.startOrchestration('traced');
    for (let i = 0; i < 500 && !(await first.runtime.client.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await stopRuntime(first.runtime);
    const second = await startRuntime(register, { path: first.path, executionCache: false, llm: llm() });
    await second.runtime.client.raiseEvent(id, 'go');
    expect(await second.runtime.client.getResult(id)).toBe('packed a colour: blue, a colour: blue');

    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === instanceTraceId(id));
    const names = spans.map((s) => s.name);
    expect(names.filter((n) => n === 'activity pack')).toHaveLength(1); // replay after the restart made no second one
    expect(names.filter((n) => n === 'timer')).toHaveLength(1);
    expect(names.filter((n) => n === 'chat mock-1')).toHaveLength(2);
    expect(names.filter((n) => n.startsWith('orchestration turn')).length).toBeGreaterThanOrEqual(4);
    const activity = spans.find((s) => s.name === 'activity pack')!;
    expect(activity.attributes).toMatchObject({ 'duroxide.instance_id': id, 'duroxide.activity.name': 'pack', 'duroxide.activity.attempt': 1 });
    const chat = spans.find((s) => s.name === 'chat mock-1')!;
    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'mock',
      'gen_ai.request.model': 'mock-1',
      'gen_ai.response.model': 'mock-1',
      'duroxide.llm.operation': 'generate',
    });
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBeGreaterThan(0);
    expect(chat.attributes['gen_ai.usage.output_tokens']).toBeGreaterThan(0);
    const timer = spans.find((s) => s.name === 'timer')!;
    const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
    expect(ms(timer.endTime) - ms(timer.startTime)).toBeGreaterThanOrEqual(15);
  });

  it('tracing: false makes no spans', async () => {
    exporter.reset();
    const { runtime } = await startRuntime(register, { llm: llm(), tracing: false });
    const id = await runtime.client.startOrchestration('traced');
    await runtime.client.raiseEvent(id, 'go');
    await runtime.client.getResult(id);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
