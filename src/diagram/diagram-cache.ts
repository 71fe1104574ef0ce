/**
 * The diagram cache: one file per entry in a committable folder, keyed by the hash of what a
 * diagram depends on (IR, format, provider and model, prompt and IR schema versions — not
 * the package version). Writes are atomic (temp file + rename), so concurrent builds sharing
 * the folder never see half an entry; a corrupt entry is ignored and rebuilt.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActivityDiagramMeta, ExtractionWarning } from './extractor.js';
import { IR_SCHEMA_VERSION, type OrchestrationFlow } from './flow-graph.js';
import type { DiagramFormat } from './render.js';

/** Bump when the diagram prompt changes meaning. */
export const PROMPT_VERSION = 1;

export interface CacheEntry {
  key: string;
  format: DiagramFormat;
  diagram: string;
  /** `llm` (validated model output) or `deterministic`. */
  source: 'llm' | 'deterministic';
  irHash: string;
  model?: string;
}

export interface StoredExtraction {
  /** sha256 of (file path, content, IR schema version, extractor version). */
  contentHash: string;
  flows: OrchestrationFlow[];
  activities: [string, ActivityDiagramMeta][];
  warnings: ExtractionWarning[];
}

/** Bump when the extractor draws the same code differently. */
export const EXTRACTOR_VERSION = 2;

export function cacheKey(parts: { irHash: string; format: DiagramFormat; provider: string; model: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.irHash, parts.format, parts.provider, parts.model, PROMPT_VERSION, IR_SCHEMA_VERSION]))
    .digest('hex');
}

export class DiagramCache {
  constructor(readonly dir: string) {}

  get(key: string): CacheEntry | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.path(key), 'utf8')) as CacheEntry;
      return entry.key === key && typeof entry.diagram === 'string' ? entry : undefined;
    } catch {
      return undefined; // missing or corrupt: rebuilt by the caller
    }
  }

  set(entry: CacheEntry): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${this.path(entry.key)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify(entry, null, 2) + '\n');
    renameSync(tmp, this.path(entry.key));
  }

  /** A stored extraction of a file with this content hash (the warm path skips parsing). */
  getExtraction(contentHash: string): StoredExtraction | undefined {
    try {
      const e = JSON.parse(readFileSync(join(this.dir, `x-${contentHash.slice(0, 32)}.json`), 'utf8')) as StoredExtraction;
      return e.contentHash === contentHash ? e : undefined;
    } catch {
      return undefined;
    }
  }

  setExtraction(e: StoredExtraction): void {
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `x-${e.contentHash.slice(0, 32)}.json`);
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify(e) + '\n');
    renameSync(tmp, path);
  }

  private path(key: string): string {
    return join(this.dir, `${key.slice(0, 32)}.json`);
  }
}
