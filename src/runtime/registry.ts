/** Registered orchestrations (by name and version) and activities (by name, with tool metadata). */
import type { ActivityFn, OrchestrationFn } from './context-api.js';
import type { ActivityDefinition } from '../tools/activity-definition.js';
import { DuplicateRegistrationError, UnknownActivityError, UnknownOrchestrationError } from './errors.js';

export const DEFAULT_VERSION = '1.0.0';

/** @deprecated Use ActivityDefinition (the same type). */
export type ActivityMetadata = ActivityDefinition;

export interface RegisteredActivity {
  name: string;
  fn: ActivityFn;
  metadata: ActivityDefinition;
}

export interface RegisteredOrchestration {
  name: string;
  version: string;
  fn: OrchestrationFn;
}

/** Orders versions like semver where the parts are numbers, lexically otherwise. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = Number(x);
    const ny = Number(y);
    const c = Number.isFinite(nx) && Number.isFinite(ny) ? nx - ny : x.localeCompare(y);
    if (c !== 0) return c;
  }
  return 0;
}

export class OrchestrationRegistry {
  private readonly byName = new Map<string, RegisteredOrchestration[]>();

  register(name: string, fn: OrchestrationFn, version = DEFAULT_VERSION): void {
    if (typeof name !== 'string' || !name) throw new TypeError('registerOrchestration(name, fn): name must be a non-empty string');
    if (typeof fn !== 'function') throw new TypeError(`registerOrchestration("${name}", fn): fn must be a function`);
    const versions = this.byName.get(name) ?? [];
    if (versions.some((v) => v.version === version)) {
      throw new DuplicateRegistrationError(
        `Orchestration "${name}" version ${version} is already registered. Give the new code another version.`,
      );
    }
    versions.push({ name, version, fn });
    versions.sort((a, b) => compareVersions(a.version, b.version));
    this.byName.set(name, versions);
  }

  /** The given version, or the latest when `version` is undefined. */
  resolve(name: string, version?: string): RegisteredOrchestration {
    const versions = this.byName.get(name);
    const found = version === undefined ? versions?.at(-1) : versions?.find((v) => v.version === version);
    if (!found) throw new UnknownOrchestrationError(name, version, this.names());
    return found;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The registered versions of `name`, oldest first. */
  versionsOf(name: string): string[] {
    return (this.byName.get(name) ?? []).map((v) => v.version);
  }

  names(): string[] {
    return [...this.byName.entries()].flatMap(([n, vs]) => vs.map((v) => `${n}@${v.version}`)).sort();
  }
}

export class ActivityRegistry {
  private readonly byName = new Map<string, RegisteredActivity>();

  register(name: string, fn: ActivityFn, metadata: ActivityDefinition = {}): void {
    if (typeof name !== 'string' || !name) throw new TypeError('registerActivity(name, fn): name must be a non-empty string');
    if (typeof fn !== 'function') throw new TypeError(`registerActivity("${name}", fn): fn must be a function`);
    if (this.byName.has(name)) {
      throw new DuplicateRegistrationError(`Activity "${name}" is already registered. Activity names must be unique.`);
    }
    this.byName.set(name, { name, fn, metadata });
  }

  remove(name: string): void {
    this.byName.delete(name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  resolve(name: string): RegisteredActivity {
    const found = this.byName.get(name);
    if (!found) throw new UnknownActivityError(name, this.names());
    return found;
  }

  list(): RegisteredActivity[] {
    return [...this.byName.values()];
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }
}
