/** `startConsole`: the console as its own HTTP server (what `duroxide-llm console` runs). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateToken, isLoopback } from './auth.js';
import { createConsoleHandler, type ConsoleHandlerOptions } from './http-handler.js';

export interface ConsoleServerOptions extends Omit<ConsoleHandlerOptions, 'basePath'> {
  /** Default 127.0.0.1. Any other address requires a token (one is generated when not given). */
  host?: string;
  /** Default 4100; 0 picks a free port. */
  port?: number;
}

export interface RunningConsole {
  /** The address to open, with `?token=` when a token is required. */
  url: string;
  /** The access token, when one is required. */
  token?: string;
  /** True when the token was generated here (print it once). */
  generatedToken: boolean;
  server: Server;
  close(): Promise<void>;
}

export async function startConsole(opts: ConsoleServerOptions): Promise<RunningConsole> {
  const host = opts.host ?? '127.0.0.1';
  const generatedToken = !opts.token && !isLoopback(host);
  const token = opts.token ?? (generatedToken ? generateToken() : undefined);
  const handler = createConsoleHandler({ ...opts, ...(token ? { token } : {}) });
  await handler.console.api.init();
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4100, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${shown}:${port}/${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return {
    url,
    ...(token ? { token } : {}),
    generatedToken,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        handler.console.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
