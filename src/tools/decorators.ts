/**
 * `@orchestration({...})` on a class whose `run(ctx, input)` is the orchestration, and
 * `@activity({...})` on methods `(ctx, input)`. Each works as a TC39 standard decorator and
 * under `experimentalDecorators`: the call signature tells which.
 */
import { DuroxideError } from '../duroxide-error.js';
import type { ActivityDecoratorOptions } from './activity-definition.js';
import { legacyRecord, mirrorToReflect, standardRecord, type AnyClass, type OrchestrationOptions } from './metadata.js';

export class DecoratorUsageError extends DuroxideError {}

/**
 * The decorators' argument: an options object, or (the seed's short form) a string — the
 * diagram title of an orchestration, the diagram label of an activity.
 */
function normaliseOptions<O extends object>(decorator: string, arg: unknown, stringKey: keyof O & string): O {
  if (arg === undefined) return {} as O;
  if (typeof arg === 'string') return { [stringKey]: arg } as O;
  if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) return arg as O;
  throw new DecoratorUsageError(
    `${decorator}() was given ${Array.isArray(arg) ? 'an array' : `a ${typeof arg === 'object' ? 'null' : typeof arg} (${String(arg)})`}. ` +
      `Pass an options object (${decorator}({ ${stringKey}: '...' })) or a string, which sets ${stringKey}.`,
  );
}

function isStandardContext(x: unknown): x is DecoratorContext {
  return typeof x === 'object' && x !== null && 'kind' in x;
}

/** `@orchestration({ ... })`, or `@orchestration('Title')`: the string sets `diagramTitle`. */
export function orchestration(optionsOrTitle: OrchestrationOptions | string = {}) {
  const options = normaliseOptions<OrchestrationOptions>('@orchestration', optionsOrTitle, 'diagramTitle');
  return function decorate(value: AnyClass, context?: unknown): void {
    if (typeof value !== 'function') throw new DecoratorUsageError('@orchestration() goes on a class.');
    if (isStandardContext(context) && context.kind !== 'class') {
      throw new DecoratorUsageError(`@orchestration() goes on a class, not on a ${context.kind} ("${String(context.name)}").`);
    }
    if (typeof value.prototype?.run !== 'function') {
      throw new DecoratorUsageError(
        `@orchestration() class ${value.name} has no run(ctx, input) method. The run method is the orchestration: add it.`,
      );
    }
    const record = isStandardContext(context) && context.metadata ? standardRecord(context.metadata) : legacyRecord(value);
    record.orchestration = { ...options, name: options.name ?? value.name };
    mirrorToReflect('duroxide:orchestration', record.orchestration, value);
  };
}

/** `@activity({ ... })`, or `@activity('Label')`: the string sets `diagramLabel`. */
export function activity(optionsOrLabel: ActivityDecoratorOptions | string = {}) {
  const options = normaliseOptions<ActivityDecoratorOptions>('@activity', optionsOrLabel, 'diagramLabel');
  return function decorate(target: unknown, contextOrKey?: unknown, descriptor?: PropertyDescriptor): any {
    if (isStandardContext(contextOrKey)) {
      const context = contextOrKey;
      if (context.kind !== 'method' || typeof target !== 'function') {
        throw new DecoratorUsageError(
          `@activity() goes on a method; "${String((context as { name?: unknown }).name)}" is a ${context.kind}.`,
        );
      }
      if (context.static) throw new DecoratorUsageError(`@activity() goes on instance methods; "${String(context.name)}" is static.`);
      if (!context.metadata) {
        throw new DecoratorUsageError('Decorator metadata is missing: import "duroxide-llm" before defining decorated classes.');
      }
      standardRecord(context.metadata).activities.push({ method: context.name, options: { ...options, name: options.name ?? String(context.name) } });
      return undefined;
    }
    // experimentalDecorators: (prototype, key, descriptor)
    const key = contextOrKey as string | symbol | undefined;
    if (key === undefined || typeof descriptor?.value !== 'function') {
      throw new DecoratorUsageError(`@activity() goes on a method; "${String(key)}" is not one.`);
    }
    const cls = (target as { constructor: AnyClass }).constructor;
    if (typeof target === 'function') throw new DecoratorUsageError(`@activity() goes on instance methods; "${String(key)}" is static.`);
    legacyRecord(cls).activities.push({ method: key, options: { ...options, name: options.name ?? String(key) } });
    mirrorToReflect(`duroxide:activity:${String(key)}`, options, target as object);
    return descriptor;
  };
}
