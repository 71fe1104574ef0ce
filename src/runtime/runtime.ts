/**
 * The Runtime: registers orchestrations and activities and runs the dispatchers that turn
 * queued messages into orchestration turns and execute activities (and LLM calls).
 */
import { ActivityRegistry, DEFAULT_VERSION, OrchestrationRegistry } from './registry.js';
import type { ActivityDefinition } from '../tools/activity-definition.js';
import type { ActivityFn, OrchestrationFn, TraceLevel } from './context-api.js';
import { adoptRunningActivity, runActivityItem, type ActivityWorkerOptions } from './activity-worker.js';
import { InlineActivities, type OverBudgetRun } from './inline-activities.js';
import { LeaseClock } from './lease-clock.js';
import { renewEveryMs } from './lease-keeper.js';
import { runLlmItem } from './llm-worker.js';
import type { LlmProvider } from '../llm/provider.js';
import { Client } from './client.js';
import { Dispatcher } from './dispatcher.js';
import { ExecutionCache, type ExecutionCacheLimits } from './execution-cache.js';
import { killPoint } from './kill-hook.js';
import type { DiagramRecord } from '../store/store.js';
import { UnknownWorkTracker } from './unknown-work.js';
import { Telemetry } from './telemetry.js';
import type { DeterminismMode } from './determinism-guard.js';
import { toErrorDetails } from './errors.js';
import type { LeasedItem } from './leased-work-item.js';
import type { WorkQueueName } from './messages.js';
import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DEFAULT_MAX_PAYLOAD_BYTES, toJson } from './json-value.js';
import { TurnProcessor, type TurnResult } from './turn-processor.js';
import { LockLostError } from '../store/errors.js';
import { ToolRegistry } from '../tools/registry.js';
import { registerDecorated } from '../tools/register-decorated.js';
import type { AnyClass } from '../tools/metadata.js';
import type { OrchestrationItem, QueueName, RateLimitRequest, Store, TurnCommit } from '../store/store.js';
import { ReliableProvider, type ReliabilityOptions } from '../llm/reliable-provider.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Logs warnings and errors to the console; traces from orchestrations at info. */
export const consoleLogger: Logger = {
  debug: () => {},
  info: (m, f) => console.log(m, f ?? ''),
  warn: (m, f) => console.warn(m, f ?? ''),
  error: (m, f) => console.error(m, f ?? ''),
};

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** One provider (used as `default`) or a map of named providers. */
export type LlmProviders = LlmProvider | { default?: LlmProvider; [name: string]: LlmProvider | undefined };

export interface RuntimeOptions {
  store: Store;
  /** LLM providers for ctx.generate & co. A process without them takes no LLM work. */
  llm?: LlmProviders;
  /**
   * True when other runtimes sharing the store run the LLM calls and this one only schedules
   * them. Otherwise an LLM operation for a provider this runtime lacks fails at once with
   * LlmProviderNotConfiguredError (the orchestration can catch it).
   */
  remoteLlm?: boolean;
  /**
   * What non-deterministic calls in orchestration code do: `guard` (default) makes
   * `Date.now()`/`new Date()`/`Math.random()` replay-safe and refuses timers, `fetch` and
   * `crypto.randomUUID()`; `strict` refuses them all; `off` leaves the process untouched.
   * Only code running in an orchestration turn is affected.
   */
  determinism?: DeterminismMode;
  /**
   * Diagrams the build step drew, by orchestration name (`import { handovers } from
   * '~duroxide/diagrams'`): recorded in the store at start for every orchestration registered
   * under that name, so the operations console draws runs without the source code.
   */
  diagrams?: Readonly<Record<string, { readonly graph: unknown; readonly mermaid?: string; readonly file?: string }>>;
  /**
   * OpenTelemetry spans for turns, activities, timers and LLM calls when `@opentelemetry/api`
   * is installed (default true; without a registered SDK they cost next to nothing).
   */
  tracing?: boolean;
  /** LLM calls in flight at once in this process (default 16). */
  llmConcurrency?: number;
  /** Keep prompts and raw answers in history (default false: only results, hashes and usage). */
  recordPrompts?: boolean;
  /**
   * Retries, timeouts and rate limits applied to every provider (ReliableProvider). Per-minute
   * limits are counted in the store, so they hold across every process sharing it.
   * `false` uses the providers as given.
   */
  llmReliability?: ReliabilityOptions | false;
  /** Orchestration turns processed at once (default 4). */
  orchestrationConcurrency?: number;
  /** Activities in flight at once in this process (default 32): they are usually I/O-bound. */
  activityConcurrency?: number;
  /** Lease on a locked item (default 30 s); renewed while activities run. */
  lockMs?: number;
  /** Longest idle poll interval (default 50 ms); store notices wake workers sooner. */
  idlePollMs?: number;
  /** Deliveries of a turn's messages before the instance fails as poison (default 10). */
  maxAttempts?: number;
  /**
   * Keep running orchestrations in memory between turns (default true: at most 1,000
   * instances and 128 MiB of history, as JSON; least recently used go first).
   */
  executionCache?: boolean | Partial<ExecutionCacheLimits>;
  /**
   * How long work this runtime lacks the code for (an orchestration version or an activity
   * that others sharing the store may register, e.g. during a rolling deploy) is left for
   * other runtimes before it fails (default 5 minutes).
   */
  unknownWorkTimeoutMs?: number;
  /**
   * Largest value (input, output, activity result, event data) stored in history, as UTF-8
   * JSON (default 16 MiB). A larger one fails at the call with PayloadTooLargeError.
   */
  maxPayloadBytes?: number;
  /** How often a running activity checks whether its instance was cancelled (default 1 s). */
  cancelCheckMs?: number;
  /**
   * Inline activities (default 20 ms): an activity that has proven shorter than this runs in
   * its turn, before the turn is committed, and is committed with it: one store write per
   * activity instead of two. One still running after this long finishes as ordinary queued
   * work. 0 turns it off. See inline-activities.ts for what holds.
   */
  inlineActivityMs?: number;
  logger?: Logger;
}

export class Runtime {
  readonly store: Store;
  readonly orchestrations = new OrchestrationRegistry();
  readonly activities = new ActivityRegistry();
  /** Activities described as LLM tools (ctx.describeTools(), the agent). */
  readonly tools = new ToolRegistry();
  private readonly logger: Logger;
  private readonly cache: ExecutionCache | null;
  private readonly opts: Required<Omit<RuntimeOptions, 'store' | 'logger' | 'executionCache' | 'llm' | 'llmReliability' | 'diagrams'>>;
  /** Configured LLM providers by name (`default` first). */
  readonly llmProviders: ReadonlyMap<string, LlmProvider>;
  private readonly shutdown$ = new AbortController();
  private readonly unknownWork: UnknownWorkTracker;
  private telemetry: Telemetry = Telemetry.none;
  /** One dispatcher per queue; `llm` only when this process has LLM providers. */
  private workers: Partial<Record<QueueName, Dispatcher<any>>> = {};
  private unsubscribe: (() => void) | null = null;
  private started = false;
  private clientInstance: Client | null = null;
  /** Work taken on ack (fetch-on-ack) rather than through a dispatcher's fetch. */
  private readonly direct = new Set<Promise<void>>();
  private directActivities = 0;
  private activityWork: ((item: LeasedItem) => Promise<void>) | null = null;
  private adopt: ((item: LeasedItem, run: OverBudgetRun) => Promise<void>) | null = null;
  private inline: InlineActivities | null = null;

  constructor(options: RuntimeOptions) {
    if (!options?.store) throw new TypeError('new Runtime({ store }): a store is required (e.g. new SqliteStore())');
    this.store = options.store;
    this.logger = options.logger ?? consoleLogger;
    const cacheOpt = options.executionCache ?? true;
    this.cache = cacheOpt === false ? null : new ExecutionCache(cacheOpt === true ? {} : cacheOpt);
    this.opts = {
      orchestrationConcurrency: options.orchestrationConcurrency ?? 4,
      activityConcurrency: options.activityConcurrency ?? 32,
      lockMs: options.lockMs ?? 30_000,
      idlePollMs: options.idlePollMs ?? 50,
      maxAttempts: options.maxAttempts ?? 10,
      cancelCheckMs: options.cancelCheckMs ?? 1000,
      llmConcurrency: options.llmConcurrency ?? 16,
      recordPrompts: options.recordPrompts ?? false,
      maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      unknownWorkTimeoutMs: options.unknownWorkTimeoutMs ?? 300_000,
      remoteLlm: options.remoteLlm ?? false,
      determinism: options.determinism ?? 'guard',
      tracing: options.tracing ?? true,
      inlineActivityMs: options.inlineActivityMs ?? 20,
    };
    this.handovers = options.diagrams ?? {};
    this.unknownWork = new UnknownWorkTracker(this.opts.unknownWorkTimeoutMs, this.logger);
    // Every work item in flight listens for shutdown: many listeners are expected here.
    setMaxListeners(0, this.shutdown$.signal);
    this.llmProviders = wrapProviders(providerMap(options.llm), options.llmReliability, this.store);
  }

  /** Flow graphs (IR) and diagrams handed over at registration, recorded in the store at start. */
  private readonly diagramRecords: DiagramRecord[] = [];
  private readonly handovers: NonNullable<RuntimeOptions['diagrams']>;

  /**
   * `diagram`: the orchestration's flow graph (FlowGraph IR as JSON) and rendered diagram, as the
   * build step produced them; recorded in the store (when it keeps diagram records) so the
   * operations console can draw the run without the source.
   */
  registerOrchestration<I = any, O = any>(
    name: string,
    fn: OrchestrationFn<I, O>,
    opts: { version?: string; diagram?: { readonly graph: unknown; readonly mermaid?: string; readonly file?: string } } = {},
  ): this {
    this.orchestrations.register(name, fn as OrchestrationFn, opts.version);
    if (opts.diagram) {
      const { graph, mermaid, file } = opts.diagram;
      this.diagramRecords.push({ name, version: opts.version ?? DEFAULT_VERSION, graph: toJson(graph), ...(mermaid ? { diagram: mermaid } : {}), ...(file ? { file } : {}), recordedAtMs: Date.now() });
      if (this.started) void this.recordDiagrams();
    }
    return this;
  }

  private async recordDiagrams(): Promise<void> {
    if (!this.store.putDiagram) return;
    const given = new Set(this.diagramRecords.map((r) => `${r.name}@${r.version}`));
    for (const name of Object.keys(this.handovers)) {
      if (!this.orchestrations.has(name)) continue;
      const { graph, mermaid, file } = this.handovers[name];
      for (const version of this.orchestrations.versionsOf(name)) {
        if (given.has(`${name}@${version}`)) continue; // a diagram given at registration wins
        this.diagramRecords.push({ name, version, graph: toJson(graph), ...(mermaid ? { diagram: mermaid } : {}), ...(file ? { file } : {}), recordedAtMs: Date.now() });
      }
    }
    for (const record of this.diagramRecords.splice(0)) {
      try {
        await this.store.putDiagram(record);
      } catch (err) {
        this.logger.warn(`duroxide: could not record the diagram of ${record.name} v${record.version}`, { error: String(err) });
      }
    }
  }

  registerActivity<I = any, O = any>(name: string, fn: ActivityFn<I, O>, metadata: ActivityDefinition = {}): this {
    this.activities.register(name, fn as ActivityFn, metadata);
    try {
      this.tools.add({ name, metadata });
    } catch (err) {
      this.activities.remove(name); // an invalid schema registers nothing
      throw err;
    }
    return this;
  }

  /**
   * Registers `@orchestration` / `@activity` classes, or instances of them (for classes with
   * constructor dependencies).
   */
  register(...targets: (AnyClass | object)[]): this {
    registerDecorated(this, ...targets);
    return this;
  }

  /** A client on the same store that also checks orchestration names against this runtime. */
  get client(): Client {
    return (this.clientInstance ??= new Client(this.store, { orchestrations: this.orchestrations, maxPayloadBytes: this.opts.maxPayloadBytes }));
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.store.init();
    await this.recordDiagrams();
    this.telemetry = await Telemetry.load(this.opts.tracing);
    const turns = this.turnProcessor();
    // Fetch-on-ack: a completion's ack claims the instance's next turn, which runs here at once.
    const claimTurn = this.store.ackWorkItemAndLockInstance
      ? { claimTurn: { knownHistory: this.knownHistory, run: (turn: OrchestrationItem) => this.runDirect(this.runTurn(turns, turn)) } }
      : {};
    // Half the renewal period: a lease is renewed at most half a period after it is due.
    const leases = new LeaseClock(renewEveryMs(this.opts.lockMs, this.opts.cancelCheckMs) / 2, this.shutdown$.signal);
    const leased = { store: this.store, lockMs: this.opts.lockMs, cancelCheckMs: this.opts.cancelCheckMs, leases, telemetry: this.telemetry, ...claimTurn };
    const activityOptions: ActivityWorkerOptions = {
      ...leased,
      activities: this.activities,
      maxPayloadBytes: this.opts.maxPayloadBytes,
      maxAttempts: this.opts.maxAttempts,
      onUnknownActivity: (w, error) =>
        this.unknownWork.delayFor(`activity "${w.name}" of instance ${w.instanceId} (event #${w.eventId})`, error.message, {
          instanceId: w.instanceId,
          activity: w.name,
        }) ?? { ...toErrorDetails(error, false), message: error.message + this.unknownWork.timedOut() },
      onTrace: (instanceId, level, message, fields) => this.trace(level, message, { instanceId, ...fields }),
      onError: (where, err) => this.logger.error(`duroxide: ${where}`, { error: String(err) }),
      onRun: (name, ms) => this.inline?.observed(name, ms),
    };
    this.activityWork = (item: LeasedItem) => runActivityItem(item, activityOptions);
    this.adopt = (item, run) => adoptRunningActivity(item, run.running, run.stop, activityOptions);
    this.inline =
      // Only with fetch-on-ack: an inline run past its budget must continue under its item's lease.
      this.opts.inlineActivityMs > 0 && this.store.ackOrchestrationItemAndLockWork
        ? new InlineActivities({ budgetMs: this.opts.inlineActivityMs, turnBudgetMs: this.opts.inlineActivityMs * 5, lockMs: this.opts.lockMs, store: this.store, activity: activityOptions })
        : null;
    this.workers = {
      orchestrator: this.dispatcher<OrchestrationItem>('orchestrator', this.opts.orchestrationConcurrency, {
        fetch: () => this.store.fetchOrchestrationItem(this.opts.lockMs, { knownHistory: this.knownHistory }),
        handle: (item) => this.runTurn(turns, item),
      }),
      activity: this.dispatcher<LeasedItem>('activity', this.opts.activityConcurrency, { fetch: () => this.fetchWork('activity'), handle: this.activityWork }),
    };
    if (this.llmProviders.size > 0) {
      const llmOptions = { ...leased, providers: this.llmProviders, recordPrompts: this.opts.recordPrompts, maxAttempts: this.opts.maxAttempts };
      this.workers.llm = this.dispatcher<LeasedItem>('llm', this.opts.llmConcurrency, {
        fetch: () => this.fetchWork('llm'),
        handle: (item) => runLlmItem(item, llmOptions),
      });
    }
    const workers = this.workers;
    this.unsubscribe = this.store.onWork?.((queue) => workers[queue]?.wake()) ?? null;
    for (const d of Object.values(workers)) d.start();
  }

  private turnProcessor(): TurnProcessor {
    return new TurnProcessor({
      orchestrations: this.orchestrations,
      cache: this.cache,
      maxAttempts: this.opts.maxAttempts,
      recordPrompts: this.opts.recordPrompts,
      maxPayloadBytes: this.opts.maxPayloadBytes,
      llmProviders: [...this.llmProviders.keys()],
      remoteLlm: this.opts.remoteLlm,
      determinism: this.opts.determinism,
      tools: () => this.tools.describe(),
      readHistory: (instanceId) => this.store.readHistory(instanceId),
      onUnknownCode: (instanceId, error) =>
        this.unknownWork.delayFor(`instance ${instanceId}`, error.message, { instanceId, error: `${error.name}: ${error.message}` }) ??
        { ...error, message: error.message + this.unknownWork.timedOut() },
      onTrace: (instanceId, level, message, fields) => this.trace(level as TraceLevel, message, { instanceId, ...fields }),
    });
  }

  private dispatcher<T>(name: QueueName, concurrency: number, work: { fetch: () => Promise<T | null>; handle: (item: T) => Promise<void> }): Dispatcher<T> {
    return new Dispatcher<T>({
      name,
      concurrency,
      idleMaxMs: this.opts.idlePollMs,
      notified: typeof this.store.onWork === 'function',
      ...work,
      onError: (where, err) => this.logger.error(`duroxide: ${where} failed`, { error: String(err) }),
    });
  }

  /** What the execution cache holds now (null when it is off). */
  executionCacheStats(): { entries: number; bytes: number } | null {
    return this.cache ? { entries: this.cache.size, bytes: this.cache.bytes } : null;
  }

  /** Stops fetching, lets in-flight work finish, and releases the store's resources if asked. */
  async shutdown(opts: { closeStore?: boolean } = {}): Promise<void> {
    if (!this.started) return;
    this.started = false;
    this.shutdown$.abort();
    this.unsubscribe?.();
    await Promise.all(Object.values(this.workers).map((d) => d.stop()));
    while (this.direct.size) await Promise.allSettled([...this.direct]);
    this.cache?.clear();
    if (opts.closeStore) await this.store.close();
  }

  /** Takes a work item, noting when the lock was requested: its lease runs from then. */
  private async fetchWork(queue: WorkQueueName): Promise<LeasedItem | null> {
    const lockedAt = performance.now();
    const item = await this.store.fetchWorkItem(queue, this.opts.lockMs);
    return item && { ...item, lockedAt };
  }

  private readonly knownHistory = (instanceId: string) => this.cache?.known(instanceId);

  private runTurn(turns: TurnProcessor, item: OrchestrationItem): Promise<void> {
    if (!this.telemetry.tracing) return this.runTurnNow(turns, item);
    const attributes = { 'duroxide.instance_id': item.instanceId, 'duroxide.orchestration.name': item.instance?.name, 'duroxide.turn.attempt': item.attempt, 'duroxide.turn.messages': item.messages.length };
    return this.telemetry.inSpan(item.instanceId, `orchestration turn ${item.instance?.name ?? ''}`.trim(), attributes, () => this.runTurnNow(turns, item));
  }

  private async runTurnNow(turns: TurnProcessor, item: OrchestrationItem): Promise<void> {
    const lockedAt = performance.now();
    let result: TurnResult;
    let overBudget: OverBudgetRun | null = null;
    let inlined = 0;
    try {
      result = await turns.process(item, Date.now());
      if (this.inline && 'commit' in result) ({ result, overBudget, inlined } = await this.inline.run(turns, item, result, lockedAt));
    } catch (err) {
      if (err instanceof LockLostError) {
        this.cache?.drop(item.instanceId);
        return; // the lease ran out (a paused worker): another worker has the instance
      }
      this.cache?.drop(item.instanceId);
      this.logger.error(`duroxide: turn of ${item.instanceId} failed; it will be retried`, { error: String(err) });
      await this.store.abandonOrchestrationItem(item.lockToken, { delayMs: Math.min(100 * item.attempt, 5000) });
      return;
    }
    if ('abandon' in result) {
      await this.store.abandonOrchestrationItem(item.lockToken, { delayMs: result.abandon.delayMs, countAttempt: false }).catch(() => {});
      return;
    }
    if (this.unknownWork.tracking) this.unknownWork.forget(`instance ${item.instanceId}`);
    killPoint('before-turn-ack');
    let taken: LeasedItem[] = [];
    try {
      // Fetch-on-ack: take the new activities this process has room for in the same round trip
      // (always the one still running inline: it finishes under that item's lease).
      const room = Math.max(this.activityRoom(result.commit.workItems), overBudget ? 1 : 0);
      if (room > 0 && this.store.ackOrchestrationItemAndLockWork && (this.started || overBudget)) {
        const lockedAt = performance.now();
        const locked = await this.store.ackOrchestrationItemAndLockWork(item.lockToken, result.commit, this.opts.lockMs, room);
        taken = locked.map((w) => ({ ...w, lockedAt }));
      } else {
        await this.store.ackOrchestrationItem(item.lockToken, result.commit);
      }
    } catch (err) {
      this.cache?.drop(item.instanceId);
      result.keep?.close();
      overBudget?.stop.abort(err); // its turn was not committed: another worker runs it again
      if (err instanceof LockLostError) return; // another worker took the instance; it redoes the turn
      this.logger.error(`duroxide: committing a turn of ${item.instanceId} failed; it will be retried`, { error: String(err) });
      await this.store.abandonOrchestrationItem(item.lockToken, { delayMs: 100 }).catch(() => {});
      return;
    }
    if (result.keep) this.cache?.put(item.instanceId, result.keep);
    this.reportOutcome(item.instanceId, result.commit);
    this.telemetry.timersFired(item.instanceId, result.commit.historyDelta, result.keep?.history ?? [...item.history, ...result.commit.historyDelta]);
    killPoint('after-turn-ack');
    for (let i = 0; i < inlined; i++) killPoint('after-activity-ack');
    for (const w of taken) {
      this.directActivities++;
      const adopted = overBudget && (w.item as { eventId?: number }).eventId === overBudget.eventId ? overBudget : null;
      if (adopted) overBudget = null;
      this.runDirect((adopted ? this.adopt!(w, adopted) : this.activityWork!(w)).finally(() => this.directActivities--));
    }
    overBudget?.stop.abort(new Error('its work item was not locked for this worker')); // not expected: fetch-on-ack took it
    // Work this turn created can start now rather than at the next poll.
    for (const w of result.commit.workItems) this.workers[w.queue]?.wake();
    if (result.commit.orchestratorMessages.length) this.workers.orchestrator?.wake();
  }

  /** Failed orchestrations are worth a warning in the log, not only in history. */
  private reportOutcome(instanceId: string, commit: TurnCommit): void {
    const i = commit.instance;
    if (i.status !== 'Failed' || !commit.historyDelta.some((e) => e.kind === 'OrchestrationFailed')) return;
    this.logger.warn(`duroxide: orchestration "${i.name}" failed`, {
      instanceId,
      name: i.name,
      version: i.version,
      error: i.error ? `${i.error.name}: ${i.error.message}` : undefined,
    });
  }

  /** How many of these work items' activities this process can start now. */
  private activityRoom(workItems: { queue: string }[]): number {
    if (!this.started || !this.store.ackOrchestrationItemAndLockWork) return 0;
    const activities = workItems.filter((w) => w.queue === 'activity').length;
    const busy = (this.workers.activity?.busy ?? 0) + this.directActivities;
    return Math.max(0, Math.min(activities, this.opts.activityConcurrency - busy));
  }

  private runDirect(work: Promise<void>): void {
    const p: Promise<void> = work
      .catch((err) => this.logger.error('duroxide: direct work failed', { error: String(err) }))
      .finally(() => this.direct.delete(p));
    this.direct.add(p);
  }

  private trace(level: TraceLevel, message: string, fields?: Record<string, unknown>): void {
    this.logger[level](message, fields);
  }
}

function wrapProviders(
  providers: Map<string, LlmProvider>,
  reliability: ReliabilityOptions | false | undefined,
  store: Store,
): Map<string, LlmProvider> {
  if (reliability === false) return providers;
  const backend = store.takeRateLimit ? (req: RateLimitRequest) => store.takeRateLimit!(req) : undefined;
  const wrapped = new Map<string, LlmProvider>();
  for (const [name, p] of providers) {
    wrapped.set(
      name,
      p instanceof ReliableProvider ? p : new ReliableProvider(p, { ...(backend ? { rateLimitBackend: backend } : {}), limitKey: `llm:${name}`, ...reliability }),
    );
  }
  return wrapped;
}

function providerMap(llm: LlmProviders | undefined): Map<string, LlmProvider> {
  const map = new Map<string, LlmProvider>();
  if (!llm) return map;
  if (typeof (llm as LlmProvider).complete === 'function') {
    map.set('default', llm as LlmProvider);
    return map;
  }
  for (const [name, provider] of Object.entries(llm)) {
    if (!provider) continue;
    if (typeof provider.complete !== 'function') {
      throw new TypeError(`new Runtime({ llm }): llm.${name} is not an LLM provider (it has no complete() method)`);
    }
    map.set(name, provider);
  }
  return map;
}
