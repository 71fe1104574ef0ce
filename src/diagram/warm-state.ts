/**
 * The build step's warm state: one packed file in the local, uncommitted cache folder, read once
 * per process instead of one small file per source. It holds each source file's stamp (size,
 * mtime, content hash), the extraction of each relevant content hash, and the outcome of the
 * last full run keyed by everything it was drawn from, so an unchanged project is served
 * without parsing, collecting, hashing or drawing anything. Layout: a header line (JSON: the
 * stamps, the run's key and warnings, the sizes of what follows), then the extractions and the
 * renderings as JSON sections, each parsed only when needed (an unchanged project never reads
 * the extractions). A file that cannot be used (corrupt, truncated) is reported once and the
 * build takes the cold path, which rewrites it.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeAtomic } from './atomic-write.js';
import type { GeneratedDiagram } from './diagram-sourcing.js';
import type { ActivityDiagramMeta, DefinedNames, ExtractionWarning } from './extractor.js';
import type { OrchestrationFlow } from './flow-graph.js';

/** Bump when the file's layout changes. */
const WARM_STATE_VERSION = 2;
export const WARM_STATE_FILE = 'warm-state.json';
/** What earlier versions kept in the local cache folder: a stat manifest and one file per extraction. */
const OLD_FILES = /^(manifest|x-[0-9a-f]{32})\.json$/;

/** This package's version: a run's outcome from another release (renderers, module code) is not reused. */
export const BUILD_STEP_VERSION = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)), i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'duroxide-llm') return pkg.version ?? '';
    } catch {
      // not here: look one folder up
    }
  }
  return '';
})();

export interface FileStamp {
  mtimeMs: number;
  size: number;
  /** Content hash when the file may hold orchestrations or the names they use; null otherwise. */
  hash: string | null;
}

export interface StoredExtraction {
  flows: OrchestrationFlow[];
  activities: [string, ActivityDiagramMeta][];
  defines: DefinedNames;
  warnings: ExtractionWarning[];
}

/** The outcome of the last full run, valid while `key` (sources, options) and `cacheStamp` (the diagram cache folder) match. */
export interface RunMemo {
  key: string;
  cacheStamp: string;
  renderings: GeneratedDiagram[];
  warnings: string[];
  /** Files (relative to the project) whose extraction found orchestrations or the names they use. */
  watched: string[];
  /** The code of the `~duroxide/diagrams` module of these renderings. */
  indexCode: string;
  /** The files the run wrote (diagrams, .d.ts…) and their stamp then: untouched since, they need no rewrite. */
  outputs: { paths: string[]; stamp: string };
}

interface Header {
  version: number;
  files: Record<string, FileStamp>;
  run: Omit<RunMemo, 'renderings' | 'indexCode'> | null;
  /** Lengths of the sections after the header line. */
  sizes: { extractions: number; renderings: number; indexCode: number };
}

/** A section of the file, decoded and parsed on first use. */
class Section<T> {
  private value: T | undefined;
  constructor(private text: (() => string) | null, private readonly fallback: () => T) {}
  get(): T {
    if (this.value === undefined) {
      this.value = this.text === null ? this.fallback() : (JSON.parse(this.text()) as T);
      this.text = null;
    }
    return this.value;
  }
  set(value: T): void {
    this.value = value;
    this.text = null;
  }
  /** Its JSON, without parsing it when it was never touched. */
  json(): string {
    return this.text ? this.text() : JSON.stringify(this.get());
  }
}

interface Loaded {
  header: Header;
  extractions: Section<Record<string, StoredExtraction>>;
  renderings: Section<GeneratedDiagram[]>;
  indexCode: string;
}

const emptyHeader = (): Header => ({ version: WARM_STATE_VERSION, files: {}, run: null, sizes: { extractions: 0, renderings: 0, indexCode: 0 } });
const fresh = (): Loaded => ({ header: emptyHeader(), extractions: new Section(null, () => ({})), renderings: new Section(null, () => []), indexCode: '' });

/** A memoised run: its renderings are parsed when first asked for (serving the index module needs none of them). */
export interface MemoisedRun extends Omit<RunMemo, 'renderings'> {
  renderings(): GeneratedDiagram[];
}

export class WarmState {
  private data: Loaded | null = null;
  private dirty = false;
  private fallback: string | null = null;

  constructor(readonly path: string) {}

  file(rel: string): FileStamp | undefined {
    return this.state().header.files[rel];
  }

  setFile(rel: string, stamp: FileStamp): void {
    const files = this.state().header.files;
    const prev = files[rel];
    if (prev && prev.mtimeMs === stamp.mtimeMs && prev.size === stamp.size && prev.hash === stamp.hash) return;
    files[rel] = stamp;
    this.dirty = true;
  }

  extraction(hash: string): StoredExtraction | undefined {
    return this.extractions()[hash];
  }

  setExtraction(hash: string, extraction: StoredExtraction): void {
    this.extractions()[hash] = extraction;
    this.dirty = true;
  }

  /** The last full run's outcome, when it was drawn from the same inputs. */
  memo(key: string, cacheStamp: string): MemoisedRun | undefined {
    const { header, renderings, indexCode } = this.state();
    const run = header.run;
    if (!run || run.key !== key || run.cacheStamp !== cacheStamp || !Array.isArray(run.outputs?.paths) || !Array.isArray(run.warnings)) return undefined;
    return { ...run, indexCode, renderings: () => renderings.get() };
  }

  setMemo(memo: RunMemo): void {
    const { renderings, indexCode, ...run } = memo;
    const state = this.state();
    state.header.run = run;
    state.renderings.set(renderings);
    state.indexCode = indexCode;
    this.dirty = true;
  }

  /** Why the file on disk was not used (once): the build then took the cold path. */
  takeFallback(): string | null {
    this.state();
    const reason = this.fallback;
    this.fallback = null;
    return reason;
  }

  /** Writes the state when it changed, keeping only extractions that a known file still has. */
  save(): void {
    if (!this.dirty || !this.data) return;
    const { header } = this.data;
    const extractions = this.extractions();
    const used = new Set(Object.values(header.files).map((f) => f.hash));
    for (const hash of Object.keys(extractions)) if (!used.has(hash)) delete extractions[hash];
    const x = this.data.extractions.json();
    const r = this.data.renderings.json();
    const code = this.data.indexCode;
    header.sizes = { extractions: Buffer.byteLength(x), renderings: Buffer.byteLength(r), indexCode: Buffer.byteLength(code) };
    writeAtomic(this.path, `${JSON.stringify(header)}\n${x}${r}${code}`);
    this.dirty = false;
  }

  private extractions(): Record<string, StoredExtraction> {
    const state = this.state();
    try {
      return state.extractions.get();
    } catch {
      state.extractions.set({}); // a damaged section: files are parsed again
      this.dirty = true;
      return state.extractions.get();
    }
  }

  private state(): Loaded {
    return (this.data ??= this.read());
  }

  private read(): Loaded {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch {
      removeOldFiles(dirname(this.path));
      return fresh();
    }
    try {
      // Sizes are in bytes: only the header is decoded now, each section when it is used.
      const end = bytes.indexOf(0x0a);
      const header = JSON.parse(bytes.toString('utf8', 0, end < 0 ? bytes.length : end)) as Header;
      if (header?.version !== WARM_STATE_VERSION) return this.discard(null);
      const { files, sizes } = header;
      if (!files || typeof files !== 'object' || ![sizes?.extractions, sizes?.renderings, sizes?.indexCode].every((n) => typeof n === 'number')) throw new Error('its header is incomplete');
      const announced = end + 1 + sizes.extractions + sizes.renderings + sizes.indexCode;
      if (bytes.length !== announced) throw new Error(`it holds ${bytes.length} bytes where its header announces ${announced}: truncated or damaged`);
      let at = end + 1;
      const next = (n: number): (() => string) | null => {
        const from = at;
        at += n;
        return n ? () => bytes.toString('utf8', from, from + n) : null;
      };
      const x = next(sizes.extractions);
      const r = next(sizes.renderings);
      const code = next(sizes.indexCode);
      return { header, extractions: new Section(x, () => ({})), renderings: new Section(r, () => []), indexCode: code ? code() : '' };
    } catch (err) {
      return this.discard(`${this.path} could not be read (${(err as Error).message}); this build re-read every source (cold path) and rewrote it`);
    }
  }

  private discard(reason: string | null): Loaded {
    this.fallback = reason;
    this.dirty = true;
    return fresh();
  }
}

function removeOldFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) if (OLD_FILES.test(n)) rmSync(join(dir, n), { force: true });
}
