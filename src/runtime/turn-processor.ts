/**
 * One orchestration turn: turn the locked messages into history events (dropping duplicates
 * and stale completions), replay the code, and build the commit the store applies atomically.
 */
import { NondeterminismError, PoisonMessageError, toErrorDetails } from './errors.js';
import type { ExecutionCache } from './execution-cache.js';
import {
  isTerminalEvent,
  type ErrorDetails,
  type HistoryEvent,
  type Json,
  type NewHistoryEvent,
  type OrchestrationStarted,
} from './history.js';
import type { CompletionMessage, OrchestratorMessage } from './messages.js';
import type { OrchestrationFn } from './context-api.js';
import type { DeterminismMode } from './determinism-guard.js';
import { DEFAULT_VERSION, type OrchestrationRegistry } from './registry.js';
import { HistoryIndex } from './history-index.js';
import { scheduleKindCompletedBy } from './event-kinds.js';
import type { ToolDefinition } from '../tools/registry.js';
import { Replayer, type TurnOutcome, type TurnOutput } from './replay-engine.js';
import { TERMINAL_STATUSES, type InstanceUpdate, type OrchestrationItem, type TurnCommit } from '../store/store.js';

export interface TurnProcessorOptions {
  orchestrations: OrchestrationRegistry;
  cache: ExecutionCache | null;
  /** Deliveries of one message before the instance is failed as poison. */
  maxAttempts: number;
  recordPrompts?: boolean;
  /** Size limit of one stored value. */
  maxPayloadBytes?: number;
  llmProviders?: readonly string[];
  remoteLlm?: boolean;
  determinism?: DeterminismMode;
  tools?: () => ToolDefinition[];
  /** Reads the current execution's history when the store omitted it and the cache lost it. */
  readHistory: (instanceId: string) => Promise<HistoryEvent[]>;
  onTrace?: (instanceId: string, level: string, message: string, fields?: Record<string, unknown>) => void;
  /**
   * Asked when this runtime does not register the orchestration (or version) a turn needs:
   * a delay to abandon the turn for (another runtime may have it, e.g. during a rolling
   * deploy), or the error to fail the instance with once that wait is over.
   */
  onUnknownCode?: (instanceId: string, error: ErrorDetails) => number | ErrorDetails;
}

export type TurnResult =
  | {
      commit: TurnCommit;
      /** Keep this replayer for the next turn once the commit succeeded. */
      keep?: Replayer;
    }
  | {
      /** This runtime lacks the code the turn needs; another one sharing the store may have it. */
      abandon: { delayMs: number; reason: string };
    };

export class TurnProcessor {
  constructor(private readonly opts: TurnProcessorOptions) {}

  async process(fetched: OrchestrationItem, nowMs: number): Promise<TurnResult> {
    const item = fetched.historyOmitted ? { ...fetched, history: await this.cachedHistory(fetched.instanceId) } : fetched;
    const inst = item.instance;
    let executionId = inst?.executionId ?? 0;
    let persisted = item.history;
    const canMsg = item.messages
      .map((m) => m.message)
      .find((m): m is Extract<OrchestratorMessage, { kind: 'ContinueAsNew' }> => m.kind === 'ContinueAsNew' && m.executionId > executionId);
    // A valid cached replayer already indexes the history: the turn costs O(new events).
    let cached = canMsg ? undefined : this.opts.cache?.take(item.instanceId, executionId, persisted);
    if (canMsg) this.opts.cache?.drop(item.instanceId);
    const builder = new EventBuilder(cached?.index ?? HistoryIndex.of(persisted), nowMs);
    const consumeOnly = (): TurnResult => ({
      commit: { executionId, historyDelta: [], instance: currentUpdate(item), workItems: [], orchestratorMessages: [] },
      keep: cached,
    });

    if (inst && TERMINAL_STATUSES.has(inst.status)) return consumeOnly();

    if (item.attempt > this.opts.maxAttempts && persisted.length > 0 && !canMsg) {
      cached?.close();
      cached = undefined;
      return this.poison(item, builder);
    }

    if (canMsg) {
      executionId = canMsg.executionId;
      persisted = [];
      builder.reset();
      const started = this.startEvent(builder, canMsg, executionId);
      if ('unknown' in started) return this.unknownCode(item, builder, started.unknown, executionId);
      for (const e of canMsg.carriedEvents) builder.add({ kind: 'ExternalEvent', name: e.name, data: e.data });
      for (const e of canMsg.carriedQueueEvents ?? []) builder.add({ kind: 'QueueEventDelivered', queue: e.queue, data: e.data });
    } else if (persisted.length === 0) {
      const start = item.messages.map((m) => m.message).find((m) => m.kind === 'StartOrchestration');
      if (!start) return consumeOnly(); // messages for an instance that never started: nothing can use them
      executionId = 1;
      const started = this.startEvent(builder, start, executionId);
      if ('unknown' in started) return this.unknownCode(item, builder, started.unknown, executionId);
      if (item.attempt > this.opts.maxAttempts) return this.poison(item, builder, executionId);
    } else if (isTerminalEvent(persisted[persisted.length - 1])) {
      return consumeOnly();
    }

    const corrupt = builder.addMessages(item.messages.map((m) => m.message), executionId);
    const newEvents = builder.events;
    const started = (persisted[0] ?? newEvents[0]) as OrchestrationStarted;
    if (corrupt) {
      cached?.close();
      return this.fail(item, builder, executionId, started, toErrorDetails(corrupt));
    }
    if (newEvents.length === 0) return consumeOnly();

    let registered;
    try {
      registered = this.opts.orchestrations.resolve(started.name, started.version);
    } catch (err) {
      cached?.close();
      this.opts.cache?.drop(item.instanceId);
      return this.unknownCode(item, builder, toErrorDetails(err), executionId, started);
    }

    const replayer = cached ?? (await this.replayFromStart(item.instanceId, registered.fn, persisted, newEvents, nowMs));
    if (cached) await cached.advance(newEvents, nowMs);
    return { commit: this.commitOf(replayer, executionId, newEvents, started, inst?.customStatus), keep: replayer.finished ? undefined : replayer };
  }

  /**
   * Inline activity: the pending commit's only work was one activity, which ran here before
   * anything was written. Its completion goes to the same replayer in the same turn, and the
   * commit grows by the completion and what the code did next.
   */
  async continueTurn(replayer: Replayer, pending: TurnCommit, completion: CompletionMessage, nowMs: number): Promise<TurnResult> {
    const builder = new EventBuilder(replayer.index, nowMs);
    const corrupt = builder.addMessages([completion], pending.executionId);
    if (corrupt || builder.events.length !== 1) throw new Error(`inline activity: its completion does not fit the turn (${corrupt?.message ?? 'dropped'})`);
    await replayer.advance(builder.events, nowMs);
    const started = replayer.started;
    const next = this.commitOf(replayer, pending.executionId, builder.events, started, pending.instance.customStatus);
    pending.historyDelta.push(...next.historyDelta); // the pending commit is this turn's own, not yet written
    return { commit: { ...next, historyDelta: pending.historyDelta }, keep: replayer.finished ? undefined : replayer };
  }

  /** A replayer that ran the code over the whole history (no cached one could be used). */
  private replayFromStart(instanceId: string, fn: OrchestrationFn, persisted: HistoryEvent[], newEvents: HistoryEvent[], nowMs: number): Promise<Replayer> {
    return Replayer.start({
      instanceId,
      fn,
      history: [...persisted, ...newEvents],
      persistedCount: persisted.length,
      nowMs,
      recordPrompts: this.opts.recordPrompts,
      maxPayloadBytes: this.opts.maxPayloadBytes,
      llmProviders: this.opts.llmProviders,
      remoteLlm: this.opts.remoteLlm,
      determinism: this.opts.determinism,
      tools: this.opts.tools,
      onTrace: (level, message, fields) => this.opts.onTrace?.(instanceId, level, message, fields),
    });
  }

  /** What the turn commits: the new events, the instance row, and the work it created. */
  private commitOf(replayer: Replayer, executionId: number, newEvents: HistoryEvent[], started: OrchestrationStarted, previousStatus: Json | undefined): TurnCommit {
    const out = replayer.takeTurnOutput();
    const customStatus = replayer.currentCustomStatus ?? previousStatus;
    return {
      executionId,
      historyDelta: [...newEvents, ...out.newEvents],
      instance: {
        ...statusOf(out.outcome),
        name: started.name,
        version: started.version,
        ...(customStatus !== undefined ? { customStatus } : {}),
        ...(started.parentInstanceId ? { parentInstanceId: started.parentInstanceId } : {}),
      },
      ...withoutCancelled(out),
    };
  }

  private async cachedHistory(instanceId: string): Promise<HistoryEvent[]> {
    return this.opts.cache?.history(instanceId) ?? (await this.opts.readHistory(instanceId));
  }

  /** Adds OrchestrationStarted, resolving the version a new execution runs on. */
  private startEvent(
    builder: EventBuilder,
    msg: Extract<OrchestratorMessage, { kind: 'StartOrchestration' | 'ContinueAsNew' }>,
    executionId: number,
  ): OrchestrationStarted | { unknown: ErrorDetails; started: OrchestrationStarted } {
    let version: string;
    let unknown: ErrorDetails | undefined;
    try {
      version = this.opts.orchestrations.resolve(msg.name, msg.version).version;
    } catch (err) {
      version = msg.version ?? DEFAULT_VERSION;
      unknown = toErrorDetails(err);
    }
    const started = builder.add({
      kind: 'OrchestrationStarted',
      name: msg.name,
      version,
      input: msg.input,
      executionId,
      ...(msg.parentInstanceId !== undefined
        ? { parentInstanceId: msg.parentInstanceId, parentExecutionId: msg.parentExecutionId, parentEventId: msg.parentEventId }
        : {}),
    }) as OrchestrationStarted;
    return unknown ? { unknown, started } : started;
  }

  /** Abandons the turn for another runtime to take, or fails the instance once that wait is over. */
  private unknownCode(
    item: OrchestrationItem,
    builder: EventBuilder,
    error: ErrorDetails,
    executionId: number,
    started = builder.events[0] as OrchestrationStarted,
  ): TurnResult {
    const decision = this.opts.onUnknownCode?.(item.instanceId, error) ?? error;
    if (typeof decision === 'number') return { abandon: { delayMs: decision, reason: error.message } };
    return this.fail(item, builder, executionId, started, decision);
  }

  private poison(item: OrchestrationItem, builder: EventBuilder, executionId = item.instance?.executionId ?? 1): TurnResult {
    this.opts.cache?.drop(item.instanceId);
    const started = (item.history[0] ?? builder.events[0]) as OrchestrationStarted;
    const kinds = [...new Set(item.messages.map((m) => m.message.kind))].join(', ');
    const err = new PoisonMessageError(
      `A turn of instance ${item.instanceId} was delivered ${item.attempt} times; the first ${item.attempt - 1} never finished ` +
        `(messages: ${kinds}), so the instance was failed instead of retrying forever (maxAttempts ${this.opts.maxAttempts}). ` +
        'Check the worker logs for the crash, fix it, and start a new instance.',
    );
    return this.fail(item, builder, executionId, started, toErrorDetails(err));
  }

  /** Ends the execution as failed (unknown orchestration, poison), telling a parent. */
  private fail(
    item: OrchestrationItem,
    builder: EventBuilder,
    executionId: number,
    started: OrchestrationStarted,
    error: ErrorDetails,
  ): TurnResult {
    builder.add({ kind: 'OrchestrationFailed', error });
    const messages: TurnCommit['orchestratorMessages'] = [];
    if (started.parentInstanceId !== undefined) {
      messages.push({
        message: {
          kind: 'SubOrchestrationFailed',
          instanceId: started.parentInstanceId,
          executionId: started.parentExecutionId ?? 1,
          sourceEventId: started.parentEventId ?? 0,
          error,
        },
      });
    }
    return {
      commit: {
        executionId,
        historyDelta: builder.events,
        instance: {
          name: started.name,
          version: started.version,
          status: 'Failed',
          error,
          ...(started.parentInstanceId ? { parentInstanceId: started.parentInstanceId } : {}),
        },
        workItems: [],
        orchestratorMessages: messages,
      },
    };
  }
}

/**
 * Work and messages of the turn, less what the code cancelled in the same turn (never
 * enqueued); cancellations of earlier work go to the store to delete.
 */
function withoutCancelled(out: TurnOutput): Pick<TurnCommit, 'workItems' | 'orchestratorMessages' | 'cancelledWork' | 'cancelledTimers'> {
  if (!out.cancelledWork.length && !out.cancelledTimers.length) return { workItems: out.workItems, orchestratorMessages: out.messages };
  const work = new Set(out.cancelledWork);
  const timers = new Set(out.cancelledTimers);
  const workItems = out.workItems.filter((w) => !work.has(w.eventId));
  const orchestratorMessages = out.messages.filter((m) => !(m.message.kind === 'TimerFired' && timers.has(m.message.sourceEventId)));
  const newWork = new Set(out.workItems.map((w) => w.eventId));
  const newTimers = new Set(out.messages.flatMap((m) => (m.message.kind === 'TimerFired' ? [m.message.sourceEventId] : [])));
  return {
    workItems,
    orchestratorMessages,
    cancelledWork: out.cancelledWork.filter((id) => !newWork.has(id)),
    cancelledTimers: out.cancelledTimers.filter((id) => !newTimers.has(id)),
  };
}

function statusOf(outcome: TurnOutcome | null): Pick<InstanceUpdate, 'status' | 'output' | 'error'> {
  if (!outcome || outcome.kind === 'continuedAsNew') return { status: 'Running' };
  if (outcome.kind === 'completed') return { status: 'Completed', output: outcome.output };
  return { status: outcome.kind === 'cancelled' ? 'Cancelled' : 'Failed', error: outcome.error };
}

function currentUpdate(item: OrchestrationItem): InstanceUpdate {
  const i = item.instance;
  if (!i) {
    return { name: '(unknown)', version: DEFAULT_VERSION, status: 'Failed', error: { name: 'Error', message: 'orphan messages' } };
  }
  const update: InstanceUpdate = { name: i.name, version: i.version ?? DEFAULT_VERSION, status: i.status };
  if (i.output !== undefined) update.output = i.output;
  if (i.error !== undefined) update.error = i.error;
  if (i.customStatus !== undefined) update.customStatus = i.customStatus;
  if (i.parentInstanceId !== undefined) update.parentInstanceId = i.parentInstanceId;
  return update;
}

/** Appends new events after the persisted history, dropping duplicates and stale completions. */
class EventBuilder {
  events: HistoryEvent[] = [];

  constructor(
    private index: HistoryIndex,
    private readonly nowMs: number,
  ) {}

  /** Starts a new execution: nothing of the previous one applies. */
  reset(): void {
    this.events = [];
    this.index = new HistoryIndex();
  }

  add(e: NewHistoryEvent): HistoryEvent {
    const event = { ...e, eventId: this.index.nextEventId, timestampMs: this.nowMs } as HistoryEvent;
    this.events.push(event);
    this.index.add(event);
    return event;
  }

  /**
   * Turns messages into events. Returns a NondeterminismError when a completion cannot belong
   * to this history (an id never scheduled, or a schedule of another kind): evidence of a
   * corrupted history or store. Legitimately late completions are dropped: of a previous
   * execution, of a schedule the code cancelled (a race loser), or a duplicate.
   */
  addMessages(messages: OrchestratorMessage[], executionId: number): NondeterminismError | null {
    for (const m of messages) {
      switch (m.kind) {
        case 'StartOrchestration':
        case 'ContinueAsNew':
          break; // handled by the caller, or a duplicate
        case 'ExternalEvent':
          this.add({ kind: 'ExternalEvent', name: m.name, data: m.data });
          break;
        case 'QueueEvent':
          this.add({ kind: 'QueueEventDelivered', queue: m.queue, data: m.data });
          break;
        case 'CancelInstance':
          if (!this.index.cancelRequested) this.add({ kind: 'OrchestrationCancelRequested', reason: m.reason });
          break;
        default: {
          const corrupt = this.addCompletion(m, executionId);
          if (corrupt) return corrupt;
        }
      }
    }
    return null;
  }

  private addCompletion(m: CompletionMessage, executionId: number): NondeterminismError | null {
    if (m.executionId !== executionId || this.index.isCompleted(m.sourceEventId) || this.index.isCancelled(m.sourceEventId)) return null;
    const scheduled = this.index.scheduleKind(m.sourceEventId);
    const expected = scheduleKindCompletedBy(m.kind);
    if (scheduled !== expected) {
      return new NondeterminismError(
        `History of instance ${m.instanceId} (execution ${executionId}) received ${m.kind} for event #${m.sourceEventId}, ` +
          (scheduled === undefined ? 'which this execution never scheduled' : `which is ${scheduled}, not ${expected}`) +
          '. The history or the store is corrupted (or another program wrote to it); the instance was failed to protect its data.',
      );
    }
    const { instanceId: _i, executionId: _e, ...fields } = m;
    this.add(fields as NewHistoryEvent);
    return null;
  }
}
