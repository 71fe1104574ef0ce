/**
 * The replay engine: a pure function of (history, code) -> (new events, work, outcome).
 * No store, no clock, no I/O; the dispatcher feeds it and commits what it returns.
 *
 * The code runs from the start; every ctx operation takes the next schedule slot and either
 * matches the recorded schedule event or becomes a new one. Completions are delivered one at
 * a time in history order, draining to a macrotask after each, the same way live and in
 * replay, so `race`/`all` decide identically every time.
 *
 * A `Replayer` can stay alive between turns (the execution cache): `advance` delivers only
 * the new events, so a turn costs O(new events).
 */
import type { OrchestrationFn } from './context-api.js';
import { Task } from './durable-task.js';
import {
  ActivityFailedError,
  CancelledError,
  NonDurableAwaitError,
  NondeterminismError,
  StaleContextError,
  SubOrchestrationFailedError,
  LlmProviderNotConfiguredError,
  fromErrorDetails,
  toErrorDetails,
} from './errors.js';
import {
  isScheduleEvent,
  type CompletionEvent,
  type ExternalEvent,
  type QueueEventDelivered,
  type OrchestrationCancelRequested,
  type ErrorDetails,
  type HistoryEvent,
  type Json,
  type NewHistoryEvent,
  type OrchestrationStarted,
  type ScheduleEvent,
} from './history.js';
import type { OrchestratorMessage, WorkItem } from './messages.js';
import { HistoryIndex } from './history-index.js';
import { callSite } from './call-site.js';
import { describeEvent, roleOf } from './event-kinds.js';
import { currentGroup, enterTurnCode, runInTurn } from './turn-scope.js';
import { EventInbox, type BufferedEvent } from './event-inbox.js';
import { DEFAULT_MAX_PAYLOAD_BYTES, checkedJson, jsonHash } from './json-value.js';
import type { DeterminismMode } from './determinism-guard.js';
import type { OrchestrationSnapshot } from '../llm/operations/generate-with-context.js';
import type { ClaimedSlot, ContextEngine } from './context-engine.js';
import { LlmLedger, contextSnapshot, type LlmBudget } from './llm-ledger.js';
import type { ToolDefinition } from '../tools/registry.js';
import { OrchestrationContextImpl } from './orchestration-context.js';

export type TurnOutcome =
  | { kind: 'completed'; output: Json }
  | { kind: 'failed'; error: ErrorDetails }
  | { kind: 'cancelled'; error: ErrorDetails }
  | { kind: 'continuedAsNew'; input: Json; version?: string };

export interface TurnOutput {
  /** Events the code produced this turn (schedules, status, terminal), with ids. */
  newEvents: HistoryEvent[];
  workItems: WorkItem[];
  messages: { message: OrchestratorMessage; visibleAtMs?: number }[];
  /** Activity and LLM schedules (event ids) the code cancelled: their queued work goes. */
  cancelledWork: number[];
  /** Timers (event ids) the code cancelled: their TimerFired messages go, so they wake nobody. */
  cancelledTimers: number[];
  outcome: TurnOutcome | null;
  customStatus: Json | undefined;
}

export interface ReplayerOptions {
  instanceId: string;
  fn: OrchestrationFn;
  /** Full history of the execution; starts with OrchestrationStarted. */
  history: HistoryEvent[];
  /** How many events of `history` were committed before this turn. */
  persistedCount: number;
  nowMs: number;
  /** The runtime's tool registry, for ctx.describeTools(). */
  tools?: () => ToolDefinition[];
  /** Keep LLM prompts in history (the runtime's `recordPrompts`). */
  recordPrompts?: boolean;
  /** Size limit of one stored value (default DEFAULT_MAX_PAYLOAD_BYTES). */
  maxPayloadBytes?: number;
  /** What non-deterministic calls in orchestration code do (default `guard`). */
  determinism?: DeterminismMode;
  /**
   * LLM providers this runtime has, by name; a call to another fails at once (recorded), unless
   * `remoteLlm` says other runtimes sharing the store run the LLM calls.
   */
  llmProviders?: readonly string[];
  remoteLlm?: boolean;
  /** Called for trace output while not replaying. */
  onTrace?: (level: string, message: string, fields?: Record<string, unknown>) => void;
}

type Claimed = ClaimedSlot & { cancelled?: boolean };

const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Replayer implements ContextEngine {
  readonly instanceId: string;
  readonly started: OrchestrationStarted;
  readonly history: HistoryEvent[];
  private persistedCount: number;
  private readonly fn: OrchestrationFn;
  private readonly ctx: OrchestrationContextImpl;
  /** Kept current with `history`, for the next cached turn. */
  readonly index: HistoryIndex;

  private walkIndex = 0;
  private readonly scheduleEvents: ScheduleEvent[] = [];
  private claimCursor = 0;
  private readonly claimed = new Map<number, Claimed>();
  private pendingPrimitives = 0;
  private nextEventId: number;
  /** External events (waitForEvent) and event-queue messages (dequeueEvent), delivered in order. */
  private readonly events = new EventInbox();
  private readonly queues = new EventInbox();

  private fnSettled: { ok: true; value: unknown } | { ok: false; error: unknown } | null = null;
  private fatal: Error | null = null;
  private cancelReason: string | null = null;
  private continueAsNewRequest: { input: Json; version?: string } | null = null;
  private outcome: TurnOutcome | null = null;

  private turn: TurnOutput = emptyTurn();
  private customStatus: Json | undefined;
  private customStatusChanged = false;
  /** LLM usage and budget of this execution (rebuilt from history on replay). */
  readonly ledger = new LlmLedger();

  replaying = true;
  currentTimeMs: number;
  private nowMs: number;
  private closed = false;

  private constructor(private readonly opts: ReplayerOptions) {
    const first = opts.history[0];
    if (!first || first.kind !== 'OrchestrationStarted') {
      throw new NondeterminismError(
        `History of instance ${opts.instanceId} does not start with OrchestrationStarted; it cannot be replayed.`,
      );
    }
    this.instanceId = opts.instanceId;
    this.started = first;
    this.history = opts.history;
    this.persistedCount = opts.persistedCount;
    this.fn = opts.fn;
    this.nowMs = opts.nowMs;
    this.currentTimeMs = first.timestampMs;
    this.nextEventId = opts.history[opts.history.length - 1].eventId + 1;
    for (const e of opts.history) if (isScheduleEvent(e)) this.scheduleEvents.push(e);
    this.index = HistoryIndex.of(opts.history);
    this.ctx = new OrchestrationContextImpl(this);
  }

  /** Runs the code over the whole history; the first turn of a replayer. */
  static async start(opts: ReplayerOptions): Promise<Replayer> {
    const r = new Replayer(opts);
    r.replaying = r.persistedCount > 0;
    const leave = enterTurnCode();
    try {
      await r.runCode();
      r.walkIndex = 1; // OrchestrationStarted has been "delivered" by starting the code
      await r.walk();
    } finally {
      leave();
    }
    return r;
  }

  /** Delivers events appended after the ones this replayer has seen (cached turns). */
  async advance(newEvents: HistoryEvent[], nowMs: number): Promise<void> {
    this.nowMs = nowMs;
    this.persistedCount = this.history.length;
    for (const e of newEvents) {
      this.history.push(e);
      this.index.add(e);
      if (e.eventId >= this.nextEventId) this.nextEventId = e.eventId + 1;
    }
    const leave = enterTurnCode();
    try {
      await this.walk();
    } finally {
      leave();
    }
  }

  /** Takes what this turn produced and resets the per-turn buffers. */
  takeTurnOutput(): TurnOutput {
    const out = this.turn;
    out.outcome = this.outcome;
    out.customStatus = this.customStatusChanged ? this.customStatus : undefined;
    this.turn = emptyTurn();
    this.customStatusChanged = false;
    return out;
  }

  get finished(): boolean {
    return this.outcome !== null;
  }

  /** How many ctx tasks the code is waiting on now (schedules not yet completed or dropped). */
  get waitingOn(): number {
    return this.pendingPrimitives;
  }

  get lastEventId(): number {
    return this.history[this.history.length - 1].eventId;
  }

  get currentCustomStatus(): Json | undefined {
    return this.customStatus;
  }

  /** Ends this replayer: later ctx calls from its code throw StaleContextError. */
  close(): void {
    this.closed = true;
  }

  // ----- driving the code -----

  private async runCode(): Promise<void> {
    let result: Promise<unknown>;
    try {
      const scope = {
        where: () => this.where(),
        report: (err: Error) => this.fail(err),
        mode: this.opts.determinism ?? 'guard',
        now: () => this.currentTimeMs,
        random: this.replaySafeRandom(),
      };
      result = Promise.resolve(runInTurn(scope, () => this.fn(this.ctx, this.started.input)));
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (value) => (this.fnSettled = { ok: true, value }),
      (error) => (this.fnSettled = { ok: false, error }),
    );
    await drain();
  }

  private async walk(): Promise<void> {
    this.checkOutcome();
    while (!this.outcome && this.walkIndex < this.history.length) {
      const index = this.walkIndex++;
      const e = this.history[index];
      this.replaying = index < this.persistedCount;
      if (e.timestampMs > this.currentTimeMs) this.currentTimeMs = e.timestampMs;
      let delivered = false;
      switch (roleOf(e)) {
        case 'completion':
          delivered = this.deliverCompletion(e as CompletionEvent);
          break;
        case 'external':
          delivered = this.deliverExternal(e as ExternalEvent, index);
          break;
        case 'queued':
          delivered = this.deliverQueued(e as QueueEventDelivered, index);
          break;
        case 'cancel':
          this.cancelReason ??= (e as OrchestrationCancelRequested).reason;
          break;
        default:
          break; // start, schedules (claimed by the code), terminal, status: nothing to deliver
      }
      if (delivered) await drain();
      this.checkOutcome();
    }
    this.replaying = false;
    if (!this.outcome) this.checkBlocked();
  }

  private deliverCompletion(e: CompletionEvent): boolean {
    const entry = this.claimed.get(e.sourceEventId);
    if (entry?.cancelled) return false; // a race loser finished late: nobody waits for it
    if (!entry) {
      const sched = this.scheduleEvents.find((s) => s.eventId === e.sourceEventId);
      if (sched) {
        this.fail(
          new NondeterminismError(
            `${this.where()}: history has ${describeEvent(sched)} (completed by event #${e.eventId}), ` +
              'but the code no longer makes that call. ' + VERSIONING_HINT,
          ),
        );
      }
      return false;
    }
    this.pendingPrimitives--;
    const { task, event } = entry;
    switch (e.kind) {
      case 'ActivityCompleted':
      case 'SubOrchestrationCompleted':
        task.resolve(e.result);
        break;
      case 'TimerFired':
        task.resolve(undefined);
        break;
      case 'LlmCompleted':
        this.ledger.add(e.tokensUsed, e.model);
        task.resolve({ result: e.result, tokensUsed: e.tokensUsed, model: e.model });
        break;
      case 'LlmFailed':
        if (e.tokensUsed) this.ledger.add(e.tokensUsed, (event as { model?: string }).model ?? '*');
        task.reject(fromErrorDetails(e.error));
        break;
      case 'ActivityFailed':
        task.reject(new ActivityFailedError((event as { name: string }).name, e.error));
        break;
      case 'SubOrchestrationFailed': {
        const s = event as Extract<ScheduleEvent, { kind: 'SubOrchestrationScheduled' }>;
        task.reject(new SubOrchestrationFailedError(s.name, s.instanceId, e.error));
        break;
      }
      default:
        return unhandledKind(e);
    }
    return true;
  }

  private deliverExternal({ name, data }: ExternalEvent, seq: number): boolean {
    if (!this.events.deliver({ name, data, seq })) return false;
    this.pendingPrimitives--;
    return true;
  }

  private deliverQueued({ queue, data }: QueueEventDelivered, seq: number): boolean {
    if (!this.queues.deliver({ name: queue, data, seq })) return false;
    this.pendingPrimitives--;
    return true;
  }

  private checkOutcome(): void {
    if (this.outcome) return;
    if (this.fatal) {
      this.finish({ kind: 'failed', error: toErrorDetails(this.fatal) });
    } else if (this.cancelReason !== null) {
      this.finish({ kind: 'cancelled', error: toErrorDetails(new CancelledError(this.cancelReason)) });
    } else if (this.continueAsNewRequest) {
      this.finish({ kind: 'continuedAsNew', ...this.continueAsNewRequest });
    } else if (this.fnSettled) {
      const unclaimed = this.scheduleEvents[this.claimCursor];
      if (unclaimed) {
        this.fatal = new NondeterminismError(
          `${this.where()}: the code finished, but history has ${describeEvent(unclaimed)} that it no longer makes. ` +
            VERSIONING_HINT,
        );
        this.finish({ kind: 'failed', error: toErrorDetails(this.fatal) });
      } else if (this.fnSettled.ok) {
        this.finishCompleted(this.fnSettled.value);
      } else {
        this.finish({ kind: 'failed', error: toErrorDetails(this.fnSettled.error) });
      }
    }
  }

  /**
   * Math.random() in guard mode: a sequence seeded by the instance and execution (mulberry32),
   * so the k-th call returns the same number on every replay.
   */
  private replaySafeRandom(): () => number {
    let seed = parseInt(jsonHash(`${this.instanceId}\u0000${this.started.executionId}`).slice(0, 8), 16) >>> 0;
    return () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  /** Completes with the returned value, or fails at once when it cannot be stored. */
  private finishCompleted(value: unknown): void {
    let output: Json;
    try {
      output = checkedJson(value, `The output of orchestration "${this.started.name}"`, this.maxPayloadBytes);
    } catch (err) {
      this.fatal = err as Error;
      this.finish({ kind: 'failed', error: toErrorDetails(err) });
      return;
    }
    this.finish({ kind: 'completed', output });
  }

  /** Why an LLM call to `provider` cannot be made, or null when a worker can take it. */
  llmUnavailable(provider: string): ErrorDetails | null {
    const known = this.opts.llmProviders;
    if (this.opts.remoteLlm || !known || known.includes(provider)) return null;
    return toErrorDetails(new LlmProviderNotConfiguredError(provider, [...known]), false);
  }

  get maxPayloadBytes(): number {
    return this.opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES;
  }

  /** The walk ended with the code still running: it must be waiting for durable work. */
  private checkBlocked(): void {
    const unclaimed = this.scheduleEvents[this.claimCursor];
    if (unclaimed) {
      this.fail(
        new NondeterminismError(
          `${this.where()}: history has ${describeEvent(unclaimed)}, but the code is waiting elsewhere and never makes ` +
            `that call. ${VERSIONING_HINT}`,
        ),
      );
    } else if (this.pendingPrimitives === 0) {
      this.fail(
        new NonDurableAwaitError(
          `${this.where()}: the orchestration is waiting, but not for any ctx task. It awaited something that is not ` +
            'durable (a fetch, setTimeout, a plain Promise). Move I/O into an activity and use ctx.scheduleTimer for delays.',
        ),
      );
    }
    this.checkOutcome();
  }

  private finish(outcome: TurnOutcome): void {
    this.outcome = outcome;
    const s = this.started;
    switch (outcome.kind) {
      case 'completed':
        this.appendEvent({ kind: 'OrchestrationCompleted', output: outcome.output });
        break;
      case 'failed':
      case 'cancelled':
        this.appendEvent({ kind: 'OrchestrationFailed', error: outcome.error });
        break;
      case 'continuedAsNew':
        this.appendEvent({ kind: 'OrchestrationContinuedAsNew', input: outcome.input, version: outcome.version });
        this.turn.messages.push({
          message: {
            kind: 'ContinueAsNew',
            instanceId: this.instanceId,
            executionId: s.executionId + 1,
            name: s.name,
            version: outcome.version,
            input: outcome.input,
            carriedEvents: this.unconsumed(this.events, 'ExternalEvent').map(({ name, data }) => ({ name, data })),
            carriedQueueEvents: this.unconsumed(this.queues, 'QueueEventDelivered').map(({ name, data }) => ({ queue: name, data })),
            parentInstanceId: s.parentInstanceId,
            parentExecutionId: s.parentExecutionId,
            parentEventId: s.parentEventId,
          },
        });
        break;
    }
    if (outcome.kind !== 'continuedAsNew' && s.parentInstanceId !== undefined) {
      const base = {
        instanceId: s.parentInstanceId,
        executionId: s.parentExecutionId ?? 1,
        sourceEventId: s.parentEventId ?? 0,
      };
      this.turn.messages.push({
        message:
          outcome.kind === 'completed'
            ? { kind: 'SubOrchestrationCompleted', ...base, result: outcome.output }
            : { kind: 'SubOrchestrationFailed', ...base, error: outcome.error },
      });
    }
    if (outcome.kind === 'cancelled') {
      // Cancellation cascades to children that have not finished.
      for (const { event, task } of this.claimed.values()) {
        if (event.kind === 'SubOrchestrationScheduled' && !task.settled) {
          this.turn.messages.push({
            message: { kind: 'CancelInstance', instanceId: event.instanceId, reason: `parent ${this.instanceId} was cancelled` },
          });
        }
      }
    }
    this.close();
  }

  /**
   * Events this execution received but did not consume, in arrival order: those delivered
   * that no wait took, and those recorded after the outcome (the walk stops there, so an
   * event recorded after the one that led to continueAsNew was never delivered).
   */
  private unconsumed(inbox: EventInbox, kind: 'ExternalEvent' | 'QueueEventDelivered'): BufferedEvent[] {
    const carried = inbox.unconsumed();
    for (let i = this.walkIndex; i < this.history.length; i++) {
      const e = this.history[i];
      if (e.kind === 'ExternalEvent' && kind === e.kind) carried.push({ name: e.name, data: e.data, seq: i });
      else if (e.kind === 'QueueEventDelivered' && kind === e.kind) carried.push({ name: e.queue, data: e.data, seq: i });
    }
    return carried;
  }

  private fail(err: Error): void {
    this.fatal ??= err;
  }

  tools(): ToolDefinition[] {
    return this.opts.tools?.() ?? [];
  }

  /** What the orchestration has seen so far (up to the event being processed): for prompts. */
  snapshot(): OrchestrationSnapshot {
    return contextSnapshot(this.instanceId, this.started, this.history, this.walkIndex, this.customStatus);
  }

  get recordPrompts(): boolean {
    return this.opts.recordPrompts ?? false;
  }

  // ----- services for the context -----

  assertOpen(method: string): void {
    if (this.closed) {
      throw new StaleContextError(
        `ctx.${method}() was called on a context whose turn has ended (instance ${this.instanceId}). ` +
          'Only call ctx methods from the orchestration function while it runs, never from timers or callbacks.',
      );
    }
    if (this.fatal) throw this.fatal;
  }

  /**
   * Takes the next schedule slot. Returns the recorded event and its task, or creates a
   * new event when history has no more schedules. A mismatch is a NondeterminismError.
   */
  claim<K extends ScheduleEvent['kind'], E extends ScheduleEvent = Extract<ScheduleEvent, { kind: K }>>(
    expected: NewHistoryEvent & { kind: K },
    codeCall: string,
    mismatch: (recorded: E) => string | null,
  ): { event: E; task: Task<any>; isNew: boolean } {
    const recorded = this.scheduleEvents[this.claimCursor];
    let event: E;
    let isNew = false;
    if (recorded) {
      const reason = recorded.kind !== expected.kind ? 'a different operation' : mismatch(recorded as E);
      if (reason) {
        const err = new NondeterminismError(
          `${this.where()}: history event #${recorded.eventId} is ${describeEvent(recorded)}, but the code called ` +
            `${codeCall} at this point (${reason})${codeSite()}. ${VERSIONING_HINT}`,
        );
        this.fail(err);
        throw err;
      }
      event = recorded as E;
    } else {
      event = this.appendEvent(withCallSite(expected)) as E;
      this.scheduleEvents.push(event);
      isNew = true;
    }
    this.claimCursor++;
    const task = new Task<unknown>(event.kind);
    this.claimed.set(event.eventId, { event, task });
    this.pendingPrimitives++;
    task.slot = { owner: this, eventId: event.eventId };
    currentGroup()?.add(() => this.cancelSlot(event.eventId, 'it lost a race'));
    return { event, task, isNew };
  }

  /** Registers a wait for the next occurrence of external event `name`. */
  subscribe(name: string, task: Task<Json>): void {
    // The claim counted this task as pending; an event that already arrived completes it.
    if (this.events.subscribe(name, task)) this.pendingPrimitives--;
  }

  /** Registers a wait for the next message of event queue `queue`. */
  subscribeQueue(queue: string, task: Task<Json>): void {
    if (this.queues.subscribe(queue, task)) this.pendingPrimitives--;
  }

  /**
   * Gives up on a claimed schedule (it lost a race): its task never settles, its late
   * completion is dropped, and — recorded once, when the turn is live — a ScheduleCancelled
   * event, the removal of its queued work or timer, or the cancellation of its child.
   */
  cancelSlot(eventId: number, reason: string): void {
    const entry = this.claimed.get(eventId);
    if (!entry || entry.cancelled || entry.task.settled) return;
    entry.cancelled = true;
    this.pendingPrimitives--;
    const e = entry.event;
    if (e.kind === 'ExternalSubscribed') this.events.drop(e.name, entry.task as Task<Json>);
    if (e.kind === 'QueueSubscribed') this.queues.drop(e.queue, entry.task as Task<Json>);
    if (this.replaying || this.closed) return;
    this.appendEvent({ kind: 'ScheduleCancelled', targetEventId: eventId, reason });
    if (e.kind === 'ActivityScheduled' || e.kind === 'LlmRequested') this.turn.cancelledWork.push(eventId);
    else if (e.kind === 'TimerCreated') this.turn.cancelledTimers.push(eventId);
    else if (e.kind === 'SubOrchestrationScheduled') {
      this.turn.messages.push({
        message: { kind: 'CancelInstance', instanceId: e.instanceId, reason: `cancelled by its parent ${this.instanceId}: ${reason}` },
      });
    }
  }

  /** Marks a claimed slot as settled by the replayer itself (e.g. a deduped LLM call). */
  settleClaimed(eventId: number): void {
    if (this.claimed.has(eventId)) this.pendingPrimitives--;
  }

  findClaimed(predicate: (e: ScheduleEvent) => boolean): Claimed | undefined {
    for (const c of this.claimed.values()) if (predicate(c.event)) return c;
    return undefined;
  }

  addWorkItem(item: WorkItem): void {
    this.turn.workItems.push(item);
  }

  addMessage(message: OrchestratorMessage, visibleAtMs?: number): void {
    this.turn.messages.push(visibleAtMs === undefined ? { message } : { message, visibleAtMs });
  }

  requestContinueAsNew(input: Json, version?: string): void {
    this.continueAsNewRequest ??= version === undefined ? { input } : { input, version };
  }

  /** The execution's LLM budget; recorded (once, when live) so the console can show it. */
  setLlmBudget(budget: LlmBudget | null): void {
    this.ledger.budget = budget;
    if (!this.replaying) this.appendEvent({ kind: 'LlmBudgetSet', budget: (budget ?? null) as unknown as Json });
  }

  setCustomStatus(status: Json): void {
    this.customStatus = status;
    if (!this.replaying) {
      this.customStatusChanged = true;
      this.appendEvent({ kind: 'CustomStatusUpdated', status });
    }
  }

  trace(level: string, message: string, fields?: Record<string, unknown>): void {
    if (!this.replaying) this.opts.onTrace?.(level, message, fields);
  }

  get newEventTimeMs(): number {
    return this.nowMs;
  }

  where(): string {
    return `Orchestration "${this.started.name}" v${this.started.version} (instance ${this.instanceId}, execution ${this.started.executionId})`;
  }

  private appendEvent(e: NewHistoryEvent): HistoryEvent {
    const event = { ...e, eventId: this.nextEventId++, timestampMs: this.nowMs } as HistoryEvent;
    this.history.push(event);
    this.index.add(event);
    this.turn.newEvents.push(event);
    // Our own events are already "walked": they need no delivery.
    if (this.walkIndex === this.history.length - 1) this.walkIndex++;
    return event;
  }

}

const VERSIONING_HINT =
  'Orchestration code must make the same ctx calls in the same order on every replay; to change it, register ' +
  'the new code under a new version (registerOrchestration(name, fn, { version })) and let running instances finish.';

function emptyTurn(): TurnOutput {
  return { newEvents: [], workItems: [], messages: [], cancelledWork: [], cancelledTimers: [], outcome: null, customStatus: undefined };
}

/** A completion kind without a case above is a compile error here. */
function unhandledKind(e: never): never {
  throw new Error(`replay engine: no delivery for ${(e as HistoryEvent).kind}`);
}


/** The first stack frame outside the runtime: where the orchestration made the call. */
function codeSite(): string {
  const site = callSite();
  return site ? ` at ${site}` : '';
}

/** Frames of the runtime and the LLM operations it runs: the call site is the first frame outside them. */
/** The schedule event with the code site of the ctx call that made it (for the console's diagram overlay). */
function withCallSite<E extends NewHistoryEvent>(event: E): E {
  const site = callSite();
  return site ? { ...event, site } : event;
}
