/**
 * The three stores, for tests that must hold on each of them: a fresh store per call, on a
 * real SQLite file and a fresh PostgreSQL schema (skipped visibly without a server, never in CI).
 */
import pg from 'pg';
import { afterAll } from 'vitest';
import { MemoryStore } from '../../src/store/memory-store.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { DATABASE_URL, postgresAvailable } from '../store/postgres-connection.js';
import { tempDbPath, tempDir } from './temp-paths.js';

export interface StoreKind {
  name: 'MemoryStore' | 'SqliteStore' | 'PostgresStore';
  make: () => Store;
  /** Set when this kind cannot run here (PostgreSQL without a server outside CI). */
  skip: boolean;
}

const pgUp = await postgresAvailable();
const schemas: string[] = [];
let dir: string | null = null;
let n = 0;

afterAll(async () => {
  if (!pgUp || schemas.length === 0) return;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  for (const s of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await client.end();
});

export const storeKinds: StoreKind[] = [
  { name: 'MemoryStore', skip: false, make: () => new MemoryStore() },
  { name: 'SqliteStore', skip: false, make: () => new SqliteStore({ path: tempDbPath((dir ??= tempDir('duroxide-matrix-'))) }) },
  {
    name: 'PostgresStore',
    skip: !pgUp,
    make: () => {
      const schema = `dx_matrix_${process.pid}_${n++}`;
      schemas.push(schema);
      return new PostgresStore({ connectionString: DATABASE_URL, schema, max: 4 });
    },
  },
];
