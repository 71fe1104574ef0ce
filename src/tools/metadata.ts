/**
 * What the decorators record, and where: in the class's standard decorator metadata object
 * (TC39) or, under `experimentalDecorators`, in a WeakMap keyed by the class. Both feed the
 * same registration as `runtime.registerOrchestration` / `registerActivity`.
 */
import type { ActivityDecoratorOptions } from './activity-definition.js';
import { METADATA_SYMBOL } from './symbol-metadata.js';

export interface OrchestrationOptions {
  /** Defaults to the class name. */
  name?: string;
  version?: string;
  diagramTitle?: string;
  diagramDescription?: string;
}


export interface ClassMetadata {
  orchestration?: OrchestrationOptions & { name: string };
  activities: { method: string | symbol; options: ActivityDecoratorOptions & { name: string } }[];
}

/** Any class (decorated classes may take constructor arguments). */
export type AnyClass = abstract new (...args: any[]) => unknown;

const KEY = Symbol.for('duroxide-llm.metadata');
const legacy = new WeakMap<object, ClassMetadata>();

/** The metadata record inside a standard decorator metadata object. */
export function standardRecord(metadata: DecoratorMetadataObject): ClassMetadata {
  const bag = metadata as Record<symbol, ClassMetadata | undefined>;
  // Own record per class: a subclass's metadata object inherits from its parent's.
  if (!Object.prototype.hasOwnProperty.call(bag, KEY)) {
    const inherited = bag[KEY];
    bag[KEY] = { activities: [...(inherited?.activities ?? [])] };
  }
  return bag[KEY]!;
}

export function legacyRecord(cls: object): ClassMetadata {
  let record = legacy.get(cls);
  if (!record) legacy.set(cls, (record = { activities: [...(legacyParent(cls)?.activities ?? [])] }));
  return record;
}

function legacyParent(cls: object): ClassMetadata | undefined {
  for (let p = Object.getPrototypeOf(cls); p && p !== Function.prototype; p = Object.getPrototypeOf(p)) {
    const found = legacy.get(p);
    if (found) return found;
  }
  return undefined;
}

/** The decorator metadata of a class, whichever decorator mode compiled it. */
export function getClassMetadata(cls: AnyClass): ClassMetadata | undefined {
  const standard = (cls as unknown as Record<symbol, DecoratorMetadataObject | undefined>)[METADATA_SYMBOL];
  const fromStandard = standard ? (standard as Record<symbol, ClassMetadata | undefined>)[KEY] : undefined;
  return fromStandard ?? legacy.get(cls) ?? legacyParent(cls);
}

/** Mirrors metadata into reflect-metadata when that library is loaded (never required). */
export function mirrorToReflect(key: string, value: unknown, target: object): void {
  const reflect = Reflect as unknown as { defineMetadata?: (k: string, v: unknown, t: object) => void };
  reflect.defineMetadata?.(key, value, target);
}
