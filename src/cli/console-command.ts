/** `duroxide-llm console`: the operations console against a store, until Ctrl-C. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startConsole } from '../console/console-server.js';
import type { PriceTable } from '../console/llm-calls.js';
import { EXIT } from './exit-codes.js';
import { openStore, STORE_HELP, StoreSpecError } from './store-option.js';

export const CONSOLE_USAGE = `Usage: duroxide-llm console [options]

Opens the operations console (instances, diagrams with the run overlaid, approvals) and prints its URL.

Options:
  ${STORE_HELP}
  --port N       default 4100 (0: any free port)
  --host ADDR    default 127.0.0.1; any other address requires an access token
  --token T      the access token (generated and printed once when needed and not given)
  --read-only    disable every action (cancel, raise, approve, start)
  --source DIR   also draw diagrams from the orchestrations under DIR
  --prices FILE  JSON { "<model>": { "inputPerMTok": 0.15, "outputPerMTok": 0.6 } } for costs
  --allow-origin O  another origin allowed to send actions (repeatable)
  --history-warning-bytes N  warn on an instance whose current history reaches N JSON characters (default 10000000)
  --open         open the URL in a browser`;

function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  spawn(cmd, args, { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
}

export async function consoleCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream, stop: Promise<void> = signalled()): Promise<number> {
  let v;
  try {
    v = parseArgs({
      args: argv,
      options: {
        store: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        token: { type: 'string' },
        'read-only': { type: 'boolean', default: false },
        source: { type: 'string' },
        prices: { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        'history-warning-bytes': { type: 'string' },
        open: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
    if (v.port !== undefined && !/^\d+$/.test(v.port)) throw new Error(`--port must be a number, got "${v.port}"`);
    const warnAt = v['history-warning-bytes'];
    if (warnAt !== undefined && !/^[1-9]\d*$/.test(warnAt)) throw new Error(`--history-warning-bytes must be a positive whole number, got "${warnAt}"`);
  } catch (e) {
    err.write(`duroxide-llm console: ${(e as Error).message}\n\n${CONSOLE_USAGE}\n`);
    return EXIT.usage;
  }
  if (v.help) {
    out.write(`${CONSOLE_USAGE}\n`);
    return EXIT.ok;
  }
  let store;
  try {
    store = await openStore(v.store);
  } catch (e) {
    err.write(`duroxide-llm console: ${(e as Error).message}\n`);
    return e instanceof StoreSpecError ? EXIT.usage : EXIT.error;
  }
  try {
    const prices = v.prices ? (JSON.parse(readFileSync(v.prices, 'utf8')) as PriceTable) : undefined;
    const running = await startConsole({
      store,
      ...(v.host ? { host: v.host } : {}),
      port: v.port !== undefined ? Number(v.port) : 4100,
      ...(v.token ? { token: v.token } : {}),
      readOnly: v['read-only'],
      ...(v.source ? { sourceDir: v.source } : {}),
      ...(prices ? { prices } : {}),
      ...(v['allow-origin'] ? { allowedOrigins: v['allow-origin'] } : {}),
      ...(v['history-warning-bytes'] ? { historyWarningBytes: Number(v['history-warning-bytes']) } : {}),
    });
    out.write(`duroxide-llm console: ${running.url}\n`);
    if (running.generatedToken) out.write(`Access token (shown once): ${running.token}\n`);
    if (v['read-only']) out.write('Read-only: actions are disabled.\n');
    if (v.open) openBrowser(running.url);
    await stop;
    await running.close();
    return EXIT.ok;
  } catch (e) {
    err.write(`duroxide-llm console: ${(e as Error).message}\n`);
    return EXIT.error;
  } finally {
    await store.close().catch(() => {});
  }
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
