/** `--store` of the console, instances and approvals commands: which store to open. */
import { PostgresStore } from '../store/postgres-store.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/store.js';

export const DEFAULT_STORE = 'sqlite:.duroxide/duroxide.db';

export const STORE_HELP = `--store SPEC   sqlite:PATH, a .db path, or postgres://user@host/db[?schema=NAME]
                 (default ${DEFAULT_STORE}; DATABASE_URL is not read implicitly)`;

export class StoreSpecError extends Error {}

/** Opens (and initialises) the store a `--store` value names. */
export async function openStore(spec: string | undefined): Promise<Store> {
  const s = spec ?? DEFAULT_STORE;
  let store: Store;
  if (/^postgres(ql)?:\/\//.test(s)) {
    const url = new URL(s);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    store = new PostgresStore({ connectionString: url.toString(), ...(schema ? { schema } : {}) });
  } else if (s.startsWith('sqlite:')) {
    store = new SqliteStore({ path: s.slice('sqlite:'.length) || '.duroxide/duroxide.db' });
  } else if (/\.(db|sqlite3?)$/.test(s)) {
    store = new SqliteStore({ path: s });
  } else {
    throw new StoreSpecError(`--store "${s}" is not a store: use sqlite:PATH or postgres://…`);
  }
  await store.init();
  return store;
}
