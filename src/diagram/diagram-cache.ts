/**
 * The diagram cache: a committable folder with one entry per orchestration and format
 * (`<slug>.<format>.json`), holding the diagram and what it was drawn from (IR hash, prompt and
 * IR schema versions, provider and model) — no times, so the folder changes only when a diagram
 * does. An entry is used when it matches the IR; when an LLM is configured, only if that same
 * provider and model drew it (else it is asked again). Entries no orchestration uses are pruned.
 * Writes are atomic; a corrupt entry is ignored and rebuilt.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeIfChanged } from './atomic-write.js';
import { IR_SCHEMA_VERSION } from './flow-graph.js';
import type { DiagramFormat } from './formats/index.js';

/** Bump when the diagram prompt changes meaning. */
export const PROMPT_VERSION = 2;

export interface CacheEntry {
  name: string;
  format: DiagramFormat;
  irHash: string;
  promptVersion: number;
  schemaVersion: number;
  /** `llm` (validated model output) or `deterministic` (the model's answers were rejected). */
  source: 'llm' | 'deterministic';
  provider: string;
  model: string;
  diagram: string;
}

export interface CacheLookup {
  slug: string;
  format: DiagramFormat;
  irHash: string;
  /** The configured LLM, or null: then any provider's entry for this IR is used. */
  llm: { provider: string; model: string } | null;
}

const ENTRY = /^([a-z0-9-]+)\.([a-z]+)\.json$/;
/** Files earlier versions kept here: hash-named entries, extractions, the stat manifest. */
const OLD_FILES = /^([0-9a-f]{32}|x-[0-9a-f]{32}|manifest)\.json$/;

export class DiagramCache {
  constructor(readonly dir: string) {}

  get(q: CacheLookup): CacheEntry | undefined {
    let entry: CacheEntry;
    try {
      entry = JSON.parse(readFileSync(this.path(q.slug, q.format), 'utf8')) as CacheEntry;
    } catch {
      return undefined; // missing or corrupt: rebuilt by the caller
    }
    if (typeof entry.diagram !== 'string' || entry.irHash !== q.irHash || entry.format !== q.format) return undefined;
    if (entry.promptVersion !== PROMPT_VERSION || entry.schemaVersion !== IR_SCHEMA_VERSION) return undefined;
    if (q.llm && (entry.provider !== q.llm.provider || entry.model !== q.llm.model)) return undefined;
    return entry;
  }

  set(slug: string, entry: Omit<CacheEntry, 'promptVersion' | 'schemaVersion'>): void {
    const full: CacheEntry = { ...entry, promptVersion: PROMPT_VERSION, schemaVersion: IR_SCHEMA_VERSION };
    writeIfChanged(this.path(slug, entry.format), JSON.stringify(full, null, 2) + '\n');
  }

  /** Removes entries of orchestrations that are gone or changed, and leftovers of older versions. */
  prune(current: Map<string, string>): string[] {
    let files: string[];
    try {
      files = readdirSync(this.dir);
    } catch {
      return [];
    }
    const removed: string[] = [];
    for (const f of files) {
      const m = ENTRY.exec(f);
      let stale = OLD_FILES.test(f);
      if (m) {
        const hash = current.get(m[1]);
        stale = hash === undefined || this.irHashOf(f) !== hash;
      }
      if (!stale) continue;
      rmSync(join(this.dir, f), { force: true });
      removed.push(f);
    }
    return removed;
  }

  /** What the folder holds (names, sizes, mtimes): changes whenever an entry is added, edited or removed. */
  stamp(): string {
    let files: string[];
    try {
      files = readdirSync(this.dir).sort();
    } catch {
      return '';
    }
    return files
      .map((f) => {
        try {
          const st = statSync(join(this.dir, f));
          return `${f}:${st.size}:${st.mtimeMs}`;
        } catch {
          return f;
        }
      })
      .join('|');
  }

  private irHashOf(file: string): string | undefined {
    try {
      return (JSON.parse(readFileSync(join(this.dir, file), 'utf8')) as CacheEntry).irHash;
    } catch {
      return undefined;
    }
  }

  private path(slug: string, format: DiagramFormat): string {
    return join(this.dir, `${slug}.${format}.json`);
  }
}
