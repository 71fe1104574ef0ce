/**
 * RecordReplayProvider: wraps a provider and keeps request/response pairs in a JSON
 * "cassette" file, so tests run offline and deterministically. Keys never reach the file:
 * only the request (prompt, options) and the response are written.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson } from './canonical-json.js';
import { CassetteMissError } from './errors.js';
import type { LlmProvider, LlmRequest, LlmResponse } from './provider.js';
import { requestText } from './request-text.js';

export type CassetteMode = 'record' | 'replay' | 'auto';

interface CassetteEntry {
  request: Omit<LlmRequest, 'signal' | 'timeoutMs'>;
  response: LlmResponse;
}
interface Cassette {
  version: 1;
  entries: Record<string, CassetteEntry>;
}

/** The request without its transport settings (abort signal, timeout): what a cassette keys on and keeps. */
function recordable(request: LlmRequest): CassetteEntry['request'] {
  const { signal: _s, timeoutMs: _t, ...rest } = request;
  return rest;
}

/** The cassette key of a request: a hash of everything but transport settings. */
export function cassetteKey(request: LlmRequest): string {
  return createHash('sha256').update(canonicalJson(recordable(request))).digest('hex').slice(0, 24);
}

export class RecordReplayProvider implements LlmProvider {
  readonly name: string;
  readonly model: string;
  private cassette: Cassette;

  constructor(
    private readonly inner: LlmProvider | null,
    private readonly opts: { cassettePath: string; mode?: CassetteMode },
  ) {
    this.name = inner?.name ?? 'cassette';
    this.model = inner?.model ?? 'cassette';
    this.cassette = existsSync(opts.cassettePath)
      ? (JSON.parse(readFileSync(opts.cassettePath, 'utf8')) as Cassette)
      : { version: 1, entries: {} };
  }

  get mode(): CassetteMode {
    return this.opts.mode ?? 'auto';
  }

  async complete(request: LlmRequest): Promise<LlmResponse> {
    const key = cassetteKey(request);
    const recorded = this.cassette.entries[key];
    if (recorded && this.mode !== 'record') return recorded.response;
    if (this.mode === 'replay' || !this.inner) {
      throw new CassetteMissError(
        `The request starting "${requestText(request).slice(0, 80)}" is not on the cassette ${this.opts.cassettePath}. ` +
          'Record it with mode "record" or "auto" and a real provider.',
      );
    }
    const response = await this.inner.complete(request);
    this.cassette.entries[key] = { request: recordable(request), response };
    this.save();
    return response;
  }

  /** Written to a temp file and renamed, so a crash never leaves half a cassette. */
  private save(): void {
    mkdirSync(dirname(this.opts.cassettePath), { recursive: true });
    const tmp = `${this.opts.cassettePath}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.cassette, null, 2) + '\n');
    renameSync(tmp, this.opts.cassettePath);
  }
}
