/**
 * The client: start, signal, cancel and inspect orchestrations. It talks to the store only,
 * so it works from any process that can reach the same store as the runtimes.
 */
import { randomUUID } from 'node:crypto';
import { InstanceNotFoundError, OrchestrationFailedError, WaitTimeoutError } from './errors.js';
import type { HistoryEvent, Json, LlmUsage } from './history.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, checkedJson } from './json-value.js';
import type { OrchestrationRegistry } from './registry.js';
import { orchestrationName, type OrchestrationInput, type OrchestrationOutput, type OrchestrationRef, type RefTarget } from './typed-calls.js';
import { TERMINAL_STATUSES, type InstanceInfo, type ListInstancesOptions, type Store } from '../store/store.js';

export interface StartOptions {
  /** Defaults to a random UUID. Must be unique in the store. */
  instanceId?: string;
  /** Defaults to the latest registered version when the first turn runs. */
  version?: string;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface LlmUsageReport extends LlmUsage {
  total: number;
  /** LLM calls recorded (completed or failed), over all executions. */
  calls: number;
}

/** A started instance, with its result typed by the orchestration it runs. */
export interface OrchestrationHandle<O> {
  readonly instanceId: string;
  result(opts?: WaitOptions): Promise<O>;
  status(): Promise<InstanceInfo | null>;
  raiseEvent(name: string, data?: unknown): Promise<void>;
  cancel(reason?: string): Promise<void>;
}

export class Client {
  private ready: Promise<void> | null = null;

  constructor(
    readonly store: Store,
    private readonly opts: { orchestrations?: OrchestrationRegistry; maxPayloadBytes?: number } = {},
  ) {}

  private checked(value: unknown, what: string): Json {
    return checkedJson(value, what, this.opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES);
  }

  private init(): Promise<void> {
    return (this.ready ??= this.store.init());
  }

  async startOrchestration(name: string, input: unknown = null, opts: StartOptions = {}): Promise<string> {
    if (typeof name !== 'string' || !name) throw new TypeError('startOrchestration(name, input): name must be a non-empty string');
    // A client made by a runtime knows what is registered and can refuse a typo at once.
    if (this.opts.orchestrations) this.opts.orchestrations.resolve(name, opts.version);
    const json = this.checked(input, `Input of orchestration "${name}"`);
    await this.init();
    const instanceId = opts.instanceId ?? randomUUID();
    await this.store.createInstance({
      kind: 'StartOrchestration',
      instanceId,
      name,
      ...(opts.version !== undefined ? { version: opts.version } : {}),
      input: json,
    });
    return instanceId;
  }

  /**
   * Starts an orchestration from a typed reference (its `@orchestration` class, or
   * `{ name, fn }`), so the input is checked, and returns a handle whose result is typed.
   */
  async start<R extends OrchestrationRef>(ref: R, input: OrchestrationInput<RefTarget<R>>, opts: StartOptions = {}): Promise<OrchestrationHandle<OrchestrationOutput<RefTarget<R>>>> {
    const instanceId = await this.startOrchestration(orchestrationName(ref), input, opts);
    return {
      instanceId,
      result: (wait) => this.getResult(instanceId, wait),
      status: () => this.getStatus(instanceId),
      raiseEvent: (name, data) => this.raiseEvent(instanceId, name, data),
      cancel: (reason) => this.cancelInstance(instanceId, reason),
    };
  }

  async raiseEvent(instanceId: string, name: string, data: unknown = null): Promise<void> {
    const json = this.checked(data, `Data of event "${name}"`);
    await this.requireInstance(instanceId);
    await this.store.enqueueOrchestratorMessage({ kind: 'ExternalEvent', instanceId, name, data: json });
  }

  /**
   * Puts a message on the instance's persistent event queue `queue` (`ctx.dequeueEvent`):
   * first in, first out, kept until dequeued, carried across continueAsNew.
   */
  async enqueueEvent(instanceId: string, queue: string, data: unknown = null): Promise<void> {
    if (typeof queue !== 'string' || !queue) throw new TypeError('enqueueEvent(instanceId, queue, data): queue must be a non-empty string');
    const json = this.checked(data, `Data of queue "${queue}"`);
    await this.requireInstance(instanceId);
    await this.store.enqueueOrchestratorMessage({ kind: 'QueueEvent', instanceId, queue, data: json });
  }

  /** Cancels the instance and its running sub-orchestrations; harmless when already finished. */
  async cancelInstance(instanceId: string, reason = 'cancelled by client'): Promise<void> {
    const info = await this.requireInstance(instanceId);
    if (TERMINAL_STATUSES.has(info.status)) return;
    await this.store.enqueueOrchestratorMessage({ kind: 'CancelInstance', instanceId, reason });
  }

  async getStatus(instanceId: string): Promise<InstanceInfo | null> {
    await this.init();
    return this.store.getInstance(instanceId);
  }

  /** Resolves with the final status once the instance completes, fails or is cancelled. */
  async waitForOrchestration(instanceId: string, opts: WaitOptions = {}): Promise<InstanceInfo> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    let pollMs = 2;
    for (;;) {
      const info = await this.requireInstance(instanceId);
      if (TERMINAL_STATUSES.has(info.status)) return info;
      if (Date.now() >= deadline) {
        throw new WaitTimeoutError(
          `Orchestration ${instanceId} did not finish within ${timeoutMs} ms (status ${info.status}). ` +
            'Wait longer ({ timeoutMs }) or check that a runtime is running against this store.',
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
      pollMs = Math.min(pollMs * 2, 100);
    }
  }

  /** Waits and returns the output; throws OrchestrationFailedError when it failed or was cancelled. */
  async getResult<T = Json>(instanceId: string, opts: WaitOptions = {}): Promise<T> {
    const info = await this.waitForOrchestration(instanceId, opts);
    if (info.status !== 'Completed') {
      throw new OrchestrationFailedError(instanceId, info.error ?? { name: 'Error', message: info.status });
    }
    return info.output as T;
  }

  async readHistory(instanceId: string, opts: { executionId?: number } = {}): Promise<HistoryEvent[]> {
    await this.init();
    return this.store.readHistory(instanceId, opts.executionId);
  }

  async listExecutions(instanceId: string): Promise<number[]> {
    await this.init();
    return this.store.listExecutions(instanceId);
  }

  async listInstances(opts?: ListInstancesOptions): Promise<InstanceInfo[]> {
    await this.init();
    return this.store.listInstances(opts);
  }

  /** Token usage of every LLM call recorded for the instance, over all executions. */
  async getLlmUsage(instanceId: string): Promise<LlmUsageReport> {
    const report: LlmUsageReport = { input: 0, output: 0, total: 0, calls: 0 };
    for (const executionId of await this.listExecutions(instanceId)) {
      for (const e of await this.store.readHistory(instanceId, executionId)) {
        const used = e.kind === 'LlmCompleted' ? e.tokensUsed : e.kind === 'LlmFailed' ? e.tokensUsed : undefined;
        if (e.kind === 'LlmCompleted' || e.kind === 'LlmFailed') report.calls++;
        if (used) {
          report.input += used.input;
          report.output += used.output;
        }
      }
    }
    report.total = report.input + report.output;
    return report;
  }

  private async requireInstance(instanceId: string): Promise<InstanceInfo> {
    await this.init();
    const info = await this.store.getInstance(instanceId);
    if (!info) throw new InstanceNotFoundError(instanceId);
    return info;
  }
}
