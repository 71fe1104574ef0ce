/**
 * Typed calls, on a par with Temporal's `proxyActivities<typeof activities>()`: activities,
 * sub-orchestrations and client starts checked by the compiler against the code they call,
 * so a misspelled name, a wrong input or a wrong use of the result does not compile. They
 * resolve to the same string-named calls the dynamic API makes (the agent keeps using those).
 */
import type { ActivityContext, DurableTask, OrchestrationContext, ScheduleActivityOptions, SubOrchestrationOptions } from './context-api.js';
import { getClassMetadata, type AnyClass } from '../tools/metadata.js';

type AnyActivity = (actx: ActivityContext, input: any) => unknown;

/** The activities of `T` (a decorated class, an instance of one, or a record of activity functions) as typed calls. */
export type ActivityCalls<T> = {
  [K in keyof Methods<T> as Methods<T>[K] extends AnyActivity ? K : never]: Methods<T>[K] extends (actx: ActivityContext, ...rest: infer A) => infer R
    ? (...args: [...input: InputArgs<A>, opts?: ScheduleActivityOptions]) => DurableTask<Awaited<R>>
    : never;
};

type Methods<T> = T extends abstract new (...args: any[]) => infer I ? I : T;
/** `(actx)` takes no input; `(actx, input)` takes one (optional when it may be undefined). */
type InputArgs<A extends unknown[]> = A extends [] ? [] : A extends [infer I] ? (undefined extends I ? [input?: I] : [input: I]) : [input: A[0]];

/** The input and output of an orchestration: an `@orchestration` class (its `run`) or a function. */
export type OrchestrationInput<O> = O extends abstract new (...args: any[]) => { run(ctx: OrchestrationContext, input: infer I): unknown }
  ? I
  : O extends (ctx: OrchestrationContext, input: infer I) => unknown
    ? I
    : never;
export type OrchestrationOutput<O> = O extends abstract new (...args: any[]) => { run(ctx: OrchestrationContext, input: any): infer R }
  ? Awaited<R>
  : O extends (ctx: OrchestrationContext, input: any) => infer R
    ? Awaited<R>
    : never;

/** A typed reference to an orchestration: its class, or `{ name, fn }` for a registered function. */
export type OrchestrationRef = AnyClass | { name: string; fn: (ctx: OrchestrationContext, input: any) => unknown };
export type RefTarget<R> = R extends { fn: infer F } ? F : R;

/** The registered name of an orchestration reference (decorator metadata, or the given name). */
export function orchestrationName(ref: OrchestrationRef): string {
  if (typeof ref === 'function') {
    const meta = getClassMetadata(ref);
    if (!meta?.orchestration) throw new TypeError(`${ref.name || 'This class'} is not an @orchestration class; pass one, or { name, fn }.`);
    return meta.orchestration.name;
  }
  return ref.name;
}

/** Method name -> registered activity name (they differ when `@activity({ name })` renames one). */
function activityNames(source: unknown): Map<string, string> {
  const names = new Map<string, string>();
  const cls = typeof source === 'function' ? source : (source as object | undefined)?.constructor;
  const meta = cls ? getClassMetadata(cls as AnyClass) : undefined;
  for (const a of meta?.activities ?? []) if (typeof a.method === 'string') names.set(a.method, a.options.name);
  return names;
}

/**
 * `ctx.activities(PaymentActivities)`: each property is a typed `scheduleActivity`. With a
 * class (or instance), renamed activities map to their registered names; with only a type
 * argument, property names are the activity names.
 */
export function activityCalls<T>(ctx: Pick<OrchestrationContext, 'scheduleActivity'>, source?: T): ActivityCalls<T> {
  const names = activityNames(source);
  return new Proxy({} as ActivityCalls<T>, {
    get: (_t, prop) => {
      if (typeof prop !== 'string' || prop === 'then') return undefined; // not a thenable
      const name = names.get(prop) ?? prop;
      return (input?: unknown, opts?: ScheduleActivityOptions) => ctx.scheduleActivity(name, input, opts);
    },
  });
}

/** `ctx.subOrchestration(OrderWorkflow, input)`: a typed `scheduleSubOrchestration`. */
export function subOrchestrationCall<R extends OrchestrationRef>(
  ctx: Pick<OrchestrationContext, 'scheduleSubOrchestration'>,
  ref: R,
  input: OrchestrationInput<RefTarget<R>>,
  opts?: SubOrchestrationOptions,
): DurableTask<OrchestrationOutput<RefTarget<R>>> {
  return ctx.scheduleSubOrchestration(orchestrationName(ref), input, opts) as DurableTask<OrchestrationOutput<RefTarget<R>>>;
}
