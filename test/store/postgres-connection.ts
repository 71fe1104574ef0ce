/**
 * Where the PostgreSQL tests connect. With DATABASE_URL set, or in CI, the server must be
 * there and failures are loud; otherwise they use the local default and skip visibly when
 * nothing answers.
 */
import { Socket } from 'node:net';
import { inCI } from '../support/required-tool.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function reachable(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1000);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(Number(u.port || 5432), u.hostname);
  });
}

/** True when the PostgreSQL tests should run; prints why when they skip. */
export async function postgresAvailable(): Promise<boolean> {
  if (process.env.DATABASE_URL || inCI) return true;
  if (await reachable(DATABASE_URL)) return true;
  console.warn(`PostgreSQL tests SKIPPED: nothing answers at ${new URL(DATABASE_URL).host} and DATABASE_URL is not set.`);
  return false;
}
