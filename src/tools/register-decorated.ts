/**
 * Registers decorated classes (or instances, for classes with constructor dependencies) with
 * a runtime, through the same calls people use without decorators.
 */
import type { ActivityDefinition } from './activity-definition.js';
import { DecoratorUsageError } from './decorators.js';
import { getClassMetadata, type AnyClass } from './metadata.js';

/** What registration needs of a runtime; the tools layer knows nothing more of it. */
export interface RuntimeLike {
  registerOrchestration(name: string, fn: (ctx: any, input: any) => Promise<unknown>, opts?: { version?: string }): unknown;
  registerActivity(name: string, fn: (actx: any, input: any) => unknown, definition?: ActivityDefinition): unknown;
}

export function registerDecorated(runtime: RuntimeLike, ...targets: (AnyClass | object)[]): void {
  for (const target of targets) {
    const cls = (typeof target === 'function' ? target : (target as object).constructor) as AnyClass;
    const meta = getClassMetadata(cls);
    if (!meta || (!meta.orchestration && meta.activities.length === 0)) {
      throw new DecoratorUsageError(
        `${cls.name || 'This value'} has no @orchestration or @activity decorators. ` +
          'Decorate it, or register functions with registerOrchestration / registerActivity.',
      );
    }
    let instance: Record<string | symbol, unknown>;
    if (typeof target === 'function') {
      try {
        instance = new (target as new () => Record<string | symbol, unknown>)();
      } catch (err) {
        throw new DecoratorUsageError(
          `Could not construct ${cls.name} without arguments (${(err as Error).message}). Pass an instance instead: runtime.register(new ${cls.name}(...)).`,
        );
      }
    } else {
      instance = target as Record<string | symbol, unknown>;
    }
    if (meta.orchestration) {
      const run = instance.run;
      if (typeof run !== 'function') throw new DecoratorUsageError(`@orchestration class ${cls.name} has no run(ctx, input) method.`);
      const { name, version } = meta.orchestration;
      runtime.registerOrchestration(name, (ctx, input) => run.call(instance, ctx, input), version ? { version } : {});
    }
    for (const { method, options } of meta.activities) {
      const fn = instance[method];
      if (typeof fn !== 'function') throw new DecoratorUsageError(`@activity ${String(method)} of ${cls.name} is not a method.`);
      const { name, ...metadata } = options;
      runtime.registerActivity(name, (actx, input) => fn.call(instance, actx, input), metadata);
    }
  }
}
