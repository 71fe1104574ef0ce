/**
 * The console's HTTP surface: the JSON API, Server-Sent Events and the prebuilt UI, under a
 * path prefix. One transport-free core (`ConsoleHandler.handle`) with two adapters: Node's
 * `http` request listener and a fetch-style `(Request) => Response`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Json } from '../runtime/history.js';
import type { InstanceStatus, Store } from '../store/store.js';
import { checkAction, checkToken, TOKEN_COOKIE, type AuthOptions, type RequestFacts } from './auth.js';
import { ConsoleApi, InstanceNotFound, NotWaitingError, STATUSES, type ConsoleApiOptions } from './console-api.js';
import { LiveFeed } from './live-feed.js';
import { readAsset, type Asset } from './static-assets.js';

export interface ConsoleHandlerOptions extends AuthOptions, ConsoleApiOptions {
  store: Store;
  /** Path prefix the console is served under, e.g. `/ops` (default: the root). */
  basePath?: string;
  /** Live-update poll interval (default 150 ms). */
  pollMs?: number;
}

export interface ConsoleRequest extends RequestFacts {
  /** Path and query, as sent (`/ops/api/instances?status=Running`). */
  url: string;
  body(): Promise<string>;
}

export type ConsoleReply =
  | { status: number; headers: Record<string, string>; body: string | Uint8Array }
  | { status: 200; headers: Record<string, string>; stream: (send: (chunk: string) => void, onClose: (fn: () => void) => void) => void };

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // Mermaid writes <style> into its SVG: inline styles are allowed, inline scripts never.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'",
};

function json(status: number, value: unknown): ConsoleReply {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...SECURITY_HEADERS }, body: JSON.stringify(value) };
}

function num(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new HttpError(400, `Not a number: "${v}"`);
  return n;
}

function time(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new HttpError(400, `Not a time: "${v}" (ms since epoch or ISO 8601)`);
  return t;
}

function str(body: Record<string, unknown>, key: string, required = false): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw new HttpError(400, `"${key}" is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new HttpError(400, `"${key}" must be a string`);
  return v;
}

export class ConsoleHandler {
  readonly api: ConsoleApi;
  private readonly feed: LiveFeed;
  private readonly base: string;
  private ready: Promise<void> | null = null;

  constructor(private readonly opts: ConsoleHandlerOptions) {
    this.api = new ConsoleApi(opts.store, opts);
    this.feed = new LiveFeed(this.api, opts.pollMs);
    this.base = (opts.basePath ?? '').replace(/\/+$/, '');
  }

  close(): void {
    this.feed.stop();
  }

  async handle(req: ConsoleRequest): Promise<ConsoleReply> {
    const url = new URL(req.url, 'http://console.invalid');
    if (this.base && url.pathname !== this.base && !url.pathname.startsWith(`${this.base}/`)) return json(404, { error: 'not found' });
    const path = url.pathname.slice(this.base.length) || '/';
    try {
      if (path === '/api' || path.startsWith('/api/')) return await this.api_(req, path.slice(4), url.searchParams);
      return this.page(req, path, url);
    } catch (err) {
      if (err instanceof HttpError) return json(err.status, { error: err.message });
      if (err instanceof InstanceNotFound) return json(404, { error: err.message });
      if (err instanceof NotWaitingError) return json(409, { error: err.message });
      const e = err as Error & { code?: string };
      if (e.name === 'InstanceAlreadyExistsError') return json(409, { error: e.message });
      if (e.name === 'PayloadTooLargeError' || e instanceof TypeError) return json(400, { error: e.message });
      return json(500, { error: `${e.name}: ${e.message}` });
    }
  }

  private page(req: ConsoleRequest, path: string, url: URL): ConsoleReply {
    const token = url.searchParams.get('token');
    if (token !== null) {
      // Trade the token in the URL for a same-site cookie, then drop it from the address bar.
      const refusal = checkToken(this.opts, { ...req, header: (n) => (n === 'authorization' ? `Bearer ${token}` : req.header(n)) });
      if (refusal) return json(refusal.status, { error: refusal.message });
      return {
        status: 303,
        headers: {
          location: `${this.base}${path}`,
          'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=${this.base || '/'}; HttpOnly; SameSite=Strict`,
          ...SECURITY_HEADERS,
        },
        body: '',
      };
    }
    if (path === '/' && !url.pathname.endsWith('/')) return { status: 308, headers: { location: `${url.pathname}/` }, body: '' };
    const asset: Asset | null = readAsset(path === '/' ? '/index.html' : path);
    if (!asset) return json(404, { error: 'not found' });
    return { status: 200, headers: { 'content-type': asset.type, 'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache', ...SECURITY_HEADERS }, body: asset.body };
  }

  private async api_(req: ConsoleRequest, path: string, q: URLSearchParams): Promise<ConsoleReply> {
    const refusal = checkToken(this.opts, req);
    if (refusal) return json(refusal.status, { error: refusal.message });
    await (this.ready ??= this.api.init());
    const parts = path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    if (req.method === 'GET' || req.method === 'HEAD') return this.read(parts, q);
    if (req.method !== 'POST') throw new HttpError(405, `${req.method} is not supported`);
    const denied = checkAction(this.opts, req);
    if (denied) return json(denied.status, { error: denied.message });
    if (!(req.header('content-type') ?? '').startsWith('application/json')) throw new HttpError(415, 'Actions take a JSON body (Content-Type: application/json).');
    let body: Record<string, unknown>;
    try {
      const parsed = JSON.parse((await req.body()) || '{}') as unknown;
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      body = parsed as Record<string, unknown>;
    } catch (e) {
      throw new HttpError(400, `The body must be a JSON object: ${(e as Error).message}`);
    }
    return this.act(parts, body);
  }

  private async read(parts: string[], q: URLSearchParams): Promise<ConsoleReply> {
    const [a, id, sub] = parts;
    if (a === 'meta' && !id) return json(200, { readOnly: Boolean(this.opts.readOnly), statuses: STATUSES, capabilities: { queryInstances: Boolean(this.opts.store.queryInstances), diagrams: Boolean(this.opts.store.listDiagrams) } });
    if (a === 'instances' && !id) {
      const status = q.get('status') || undefined;
      if (status && !STATUSES.includes(status as InstanceStatus)) throw new HttpError(400, `Unknown status "${status}"; one of ${STATUSES.join(', ')}`);
      return json(
        200,
        await this.api.list({
          ...(status ? { status: status as InstanceStatus } : {}),
          ...(q.get('name') ? { name: q.get('name')! } : {}),
          ...(q.get('q') ? { idContains: q.get('q')! } : {}),
          ...(time(q.get('from')) !== undefined ? { createdFromMs: time(q.get('from')) } : {}),
          ...(time(q.get('to')) !== undefined ? { createdToMs: time(q.get('to')) } : {}),
          ...(num(q.get('limit')) !== undefined ? { limit: num(q.get('limit')) } : {}),
          ...(num(q.get('offset')) !== undefined ? { offset: num(q.get('offset')) } : {}),
        }),
      );
    }
    if (a === 'instances' && id && !sub) return json(200, await this.api.instance(id, { executionId: num(q.get('execution')) }));
    if (a === 'instances' && id && sub === 'history') {
      const ids = q.get('ids');
      return json(
        200,
        await this.api.history(id, {
          executionId: num(q.get('execution')),
          offset: num(q.get('offset')),
          limit: num(q.get('limit')),
          ...(ids ? { eventIds: ids.split(',').map((x) => num(x)!) } : {}),
        }),
      );
    }
    if (a === 'approvals' && !id) return json(200, { waits: await this.api.waits({ approvalsOnly: q.get('all') !== '1' }) });
    if (a === 'orchestrations' && !id) {
      const names = new Set((await this.opts.store.listDiagrams?.()) ?? []);
      return json(200, { orchestrations: [...new Set([...names].map((d) => d.name))] });
    }
    if (a === 'events' && !id) return this.events(q.get('instance'));
    throw new HttpError(404, `No API route /api/${parts.join('/')}`);
  }

  private async act(parts: string[], body: Record<string, unknown>): Promise<ConsoleReply> {
    const [a, id, sub, actionId] = parts;
    if (a === 'instances' && !id) {
      const name = str(body, 'name', true)!;
      const instanceId = await this.api.start(name, (body.input ?? null) as Json, {
        ...(str(body, 'instanceId') ? { instanceId: str(body, 'instanceId') } : {}),
        ...(str(body, 'version') ? { version: str(body, 'version') } : {}),
      });
      return json(201, { instanceId });
    }
    if (a === 'instances' && id && sub === 'cancel') {
      await this.api.cancel(id, str(body, 'reason'));
      return json(202, { ok: true });
    }
    if (a === 'instances' && id && sub === 'events') {
      await this.api.raise(id, str(body, 'name', true)!, (body.data ?? null) as Json);
      return json(202, { ok: true });
    }
    if (a === 'instances' && id && sub === 'approvals' && actionId) {
      if (typeof body.approved !== 'boolean') throw new HttpError(400, '"approved" must be true or false');
      const reason = str(body, 'reason');
      if (!body.approved && !reason) throw new HttpError(400, 'A rejection needs a "reason".');
      const decision = await this.api.decide(id, actionId, {
        approved: body.approved,
        ...(reason ? { reason } : {}),
        decidedBy: (str(body, 'decidedBy') ?? 'console user').slice(0, 200),
        via: 'console',
      });
      return json(202, { ok: true, decision });
    }
    throw new HttpError(404, `No API action /api/${parts.join('/')}`);
  }

  private events(instanceId: string | null): ConsoleReply {
    return {
      status: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no', ...SECURITY_HEADERS },
      stream: (send, onClose) => {
        send('retry: 1000\n\n');
        const unsubscribe = this.feed.subscribe((changed) => {
          const rows = instanceId ? changed.filter((c) => c.instanceId === instanceId || c.parentInstanceId === instanceId) : changed;
          if (rows.length) send(`event: instances\ndata: ${JSON.stringify(rows.map((r) => ({ instanceId: r.instanceId, status: r.status, updatedAtMs: r.updatedAtMs })))}\n\n`);
        });
        const ping = setInterval(() => send(': ping\n\n'), 15_000);
        ping.unref();
        onClose(() => {
          clearInterval(ping);
          unsubscribe();
        });
      },
    };
  }
}

/** Node `http` adapter: `(req, res)`; pass `next` to fall through when the path is outside the prefix. */
export function createConsoleHandler(opts: ConsoleHandlerOptions): ((req: IncomingMessage, res: ServerResponse, next?: () => void) => void) & { console: ConsoleHandler } {
  const core = new ConsoleHandler(opts);
  const base = (opts.basePath ?? '').replace(/\/+$/, '');
  const listener = (req: IncomingMessage, res: ServerResponse, next?: () => void) => {
    const path = (req.url ?? '/').split('?')[0];
    if (next && base && path !== base && !path.startsWith(`${base}/`)) return next();
    const facts: ConsoleRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      host: req.headers.host,
      protocol: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
      header: (n) => {
        const v = req.headers[n.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      body: () =>
        new Promise((resolve, reject) => {
          const chunks: Buffer[] = [];
          let size = 0;
          req.on('data', (c: Buffer) => {
            size += c.length;
            if (size > 16 * 1024 * 1024) reject(new HttpError(413, 'Body larger than 16 MiB'));
            else chunks.push(c);
          });
          req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          req.on('error', reject);
        }),
    };
    void core.handle(facts).then(
      (reply) => {
        if ('stream' in reply) {
          res.writeHead(reply.status, reply.headers);
          res.flushHeaders();
          reply.stream(
            (chunk) => res.write(chunk),
            (fn) => req.on('close', fn),
          );
          return;
        }
        res.writeHead(reply.status, reply.headers);
        res.end(req.method === 'HEAD' ? undefined : reply.body);
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(err.message);
      },
    );
  };
  return Object.assign(listener, { console: core });
}

/** Fetch-style adapter: `(request: Request) => Promise<Response>` (Hono, Next route handlers, Bun, Deno). */
export function createConsoleFetchHandler(opts: ConsoleHandlerOptions): ((request: Request) => Promise<Response>) & { console: ConsoleHandler } {
  const core = new ConsoleHandler(opts);
  const handler = async (request: Request): Promise<Response> => {
    const u = new URL(request.url);
    const reply = await core.handle({
      method: request.method,
      url: `${u.pathname}${u.search}`,
      host: request.headers.get('host') ?? u.host,
      protocol: u.protocol.replace(':', ''),
      header: (n) => request.headers.get(n) ?? undefined,
      body: () => request.text(),
    });
    if ('stream' in reply) {
      let close = () => {};
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          const enc = new TextEncoder();
          reply.stream(
            (chunk) => controller.enqueue(enc.encode(chunk)),
            (fn) => {
              close = fn;
              request.signal?.addEventListener('abort', fn);
            },
          );
        },
        cancel() {
          close();
        },
      });
      return new Response(body, { status: 200, headers: reply.headers });
    }
    return new Response(reply.status === 204 || reply.status === 303 || reply.status === 308 ? null : (reply.body as BodyInit), { status: reply.status, headers: reply.headers });
  };
  return Object.assign(handler, { console: core });
}
