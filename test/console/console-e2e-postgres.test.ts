/** The console end to end in Chromium once against PostgreSQL (runtime and console on separate pools). */
import { describe } from 'vitest';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { DATABASE_URL, postgresAvailable } from '../store/postgres-connection.js';
import { consoleEndToEnd } from './console-e2e.js';

const schema = `console_e2e_${process.pid}_${Date.now()}`;

describe('console in Chromium: PostgreSQL', () => {
  consoleEndToEnd(
    'PostgreSQL',
    {
      runtimeStore: async () => new PostgresStore({ connectionString: DATABASE_URL, schema }),
      consoleStore: async () => {
        const s = new PostgresStore({ connectionString: DATABASE_URL, schema });
        await s.init();
        return s;
      },
      cleanup: async () => {
        const pg = (await import('pg')).default;
        const client = new pg.Client({ connectionString: DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    },
    postgresAvailable,
  );
});
