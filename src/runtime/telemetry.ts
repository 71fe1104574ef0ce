/**
 * OpenTelemetry spans, when the optional peer `@opentelemetry/api` is installed (and an SDK
 * registered; without one the API's tracer is a no-op): orchestration turns, activities (with
 * their delivery attempt), timers and LLM calls, the latter following OpenTelemetry's GenAI
 * semantic conventions. Spans are made only for work that happens now, never for events a
 * replay walks again.
 *
 * One trace per instance across processes: every span's parent is a remote span context whose
 * trace id is derived from the instance id, so runtimes on different machines that never talk
 * to each other still put an instance's spans into the same trace.
 */
import { createHash } from 'node:crypto';
import type { HistoryEvent } from './history.js';

type OtelApi = typeof import('@opentelemetry/api');
type Span = import('@opentelemetry/api').Span;
type Attributes = Record<string, string | number | boolean | undefined>;

const TRACER = 'duroxide-llm';

const traceIds = new Map<string, string>();

/** The trace id of an instance: the same in every process. */
export function instanceTraceId(instanceId: string): string {
  let id = traceIds.get(instanceId);
  if (id === undefined) {
    id = createHash('sha256').update(`duroxide-trace\u0000${instanceId}`).digest('hex').slice(0, 32);
    if (traceIds.size >= 10_000) traceIds.clear();
    traceIds.set(instanceId, id);
  }
  return id;
}

export class Telemetry {
  private constructor(private readonly api: OtelApi | null) {}

  /** Spans off (before start, or without the package). */
  static readonly none = new Telemetry(null);

  /** Loads `@opentelemetry/api` if it is installed; otherwise every method is a no-op. */
  static async load(enabled: boolean): Promise<Telemetry> {
    if (!enabled) return Telemetry.none;
    try {
      return new Telemetry((await import('@opentelemetry/api')) as OtelApi);
    } catch {
      return Telemetry.none;
    }
  }

  get active(): boolean {
    return this.api !== null;
  }

  /** Whether spans are being made now (the API is installed and an SDK registered). */
  get tracing(): boolean {
    return this.api !== null && sdkRegistered(this.api);
  }

  /** Runs `fn` inside a span of the instance's trace; the span ends (with an error status if it threw) when `fn` settles. */
  inSpan<T>(instanceId: string, name: string, attributes: Attributes, fn: (span: Span | null) => Promise<T>): Promise<T> {
    const api = this.api;
    if (!api || !sdkRegistered(api)) return fn(null);
    return this.spanned(api, instanceId, name, attributes, fn);
  }

  private async spanned<T>(api: OtelApi, instanceId: string, name: string, attributes: Attributes, fn: (span: Span | null) => Promise<T>): Promise<T> {
    const span = api.trace.getTracer(TRACER).startSpan(name, { attributes: clean(attributes), kind: api.SpanKind.INTERNAL }, this.parent(api, instanceId));
    try {
      const result = await fn(span);
      span.end();
      return result;
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: api.SpanStatusCode.ERROR, message: (err as Error)?.message });
      span.end();
      throw err;
    }
  }

  /** A finished timer: a span from its creation to its firing (new events only). */
  timersFired(instanceId: string, events: readonly HistoryEvent[], history: readonly HistoryEvent[]): void {
    const api = this.api;
    if (!api || !sdkRegistered(api)) return;
    for (const e of events) {
      if (e.kind !== 'TimerFired') continue;
      const created = history.find((h) => h.eventId === e.sourceEventId);
      const span = api.trace
        .getTracer(TRACER)
        .startSpan('timer', { startTime: created?.timestampMs ?? e.timestampMs, attributes: { 'duroxide.instance_id': instanceId, 'duroxide.timer.fire_at_ms': e.fireAtMs } }, this.parent(api, instanceId));
      span.end(e.timestampMs);
    }
  }

  private parent(api: OtelApi, instanceId: string) {
    const traceId = instanceTraceId(instanceId);
    return api.trace.setSpanContext(api.context.active(), { traceId, spanId: traceId.slice(0, 16), traceFlags: api.TraceFlags.SAMPLED, isRemote: true });
  }
}

/**
 * Whether an SDK is registered: with only the API installed, the global provider is the API's
 * proxy around its no-op provider, and making spans would be work for nothing.
 */
function sdkRegistered(api: OtelApi): boolean {
  const provider = api.trace.getTracerProvider();
  return !(provider instanceof api.ProxyTracerProvider && provider.getDelegate().constructor.name === 'NoopTracerProvider');
}

function clean(a: Attributes): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined) out[k] = v;
  return out;
}
