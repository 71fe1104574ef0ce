/** Starts runtimes on real SQLite files and stops them after each test. */
import { afterEach } from 'vitest';
import { Runtime, silentLogger, type RuntimeOptions } from '../../src/runtime/runtime.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { tempDbPath, tempDir } from '../support/temp-paths.js';

const running: Runtime[] = [];

afterEach(async () => {
  while (running.length) await running.pop()!.shutdown({ closeStore: true });
});

export function newDbPath(): string {
  return tempDbPath(dir());
}

let sharedDir: string | null = null;
function dir(): string {
  return (sharedDir ??= tempDir('duroxide-runtime-'));
}

/** A runtime on a SQLite file (a new one unless `path` is given); `setup` registers code. */
export async function startRuntime(
  setup: (rt: Runtime) => void,
  opts: { path?: string } & Partial<Omit<RuntimeOptions, 'store'>> = {},
): Promise<{ runtime: Runtime; path: string }> {
  const path = opts.path ?? newDbPath();
  const runtime = new Runtime({ logger: silentLogger, idlePollMs: 10, ...opts, store: new SqliteStore({ path }) });
  setup(runtime);
  await runtime.start();
  running.push(runtime);
  return { runtime, path };
}

/** Stops a runtime early (e.g. to simulate a restart on the same file). */
export async function stopRuntime(runtime: Runtime): Promise<void> {
  const i = running.indexOf(runtime);
  if (i >= 0) running.splice(i, 1);
  await runtime.shutdown({ closeStore: true });
}
