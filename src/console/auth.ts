/**
 * The console's security model: a token on every API call when it listens beyond loopback,
 * an Origin check on every action (no cross-site requests), and a read-only mode.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_COOKIE = 'duroxide_console';

export interface AuthOptions {
  /** Required on every API call when set (header `Authorization: Bearer`, or the console's cookie). */
  token?: string;
  readOnly?: boolean;
  /** Origins allowed to send actions besides the console's own (e.g. your app's, when embedded). */
  allowedOrigins?: string[];
}

export interface RequestFacts {
  method: string;
  header(name: string): string | undefined;
  /** `host:port` the request was sent to (the Host header). */
  host: string | undefined;
  /** `http` or `https`. */
  protocol: string;
}

export type Refusal = { status: 401 | 403; message: string };

export function generateToken(): string {
  return randomBytes(24).toString('base64url');
}

export function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function cookieValue(cookieHeader: string | undefined, name: string): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

/** The token a request carries, from its Authorization header or the console's cookie. */
export function presentedToken(req: RequestFacts): string | undefined {
  const auth = req.header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return cookieValue(req.header('cookie'), TOKEN_COOKIE);
}

export function checkToken(opts: AuthOptions, req: RequestFacts): Refusal | null {
  if (!opts.token) return null;
  const t = presentedToken(req);
  if (t && same(t, opts.token)) return null;
  return { status: 401, message: 'This console needs its access token: open the URL it printed (with ?token=…) or send Authorization: Bearer <token>.' };
}

/**
 * Actions must come from the console's own page (or an allowed origin). Browsers send Origin on
 * every POST; a request without it is not from a browser page (a script, the CLI) and is let
 * through — the token still applies to it.
 */
export function checkAction(opts: AuthOptions, req: RequestFacts): Refusal | null {
  if (opts.readOnly) return { status: 403, message: 'This console is read-only (--read-only): actions are disabled.' };
  const origin = req.header('origin');
  const site = req.header('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none' && !(origin && opts.allowedOrigins?.includes(origin))) {
    return { status: 403, message: `Cross-site request refused (Sec-Fetch-Site: ${site}).` };
  }
  if (origin === undefined) return null;
  const own = req.host ? `${req.protocol}://${req.host}` : undefined;
  if (origin === own || opts.allowedOrigins?.includes(origin)) return null;
  return { status: 403, message: `Request from origin ${origin} refused: actions are accepted only from the console's own page${own ? ` (${own})` : ''}.` };
}
