/**
 * bench:postgres — throughput of orchestrations of 10 sequential activities with 1, 2 and 4
 * runtime processes on one PostgreSQL database, and the same workload on DBOS Transact
 * (a workflow with 10 steps) against the same server, in the same run.
 *
 * Both are timed the same way: from the wall clock just before the first start request to
 * the completion time of the last workflow as recorded in the system's own table (ours:
 * `instances.updated_at`; DBOS: `workflow_status.updated_at`). Process start-up is outside
 * the interval, and how often the bench looks for the end does not change the figure.
 * Configurations are interleaved, BENCH_RUNS (default 3) rounds; medians are reported.
 * Last line is machine-readable (RESULT ...).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Client } from '../src/runtime/client.js';
import { PostgresStore } from '../src/store/postgres-store.js';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ORCHESTRATIONS = Number(process.env.BENCH_ORCHESTRATIONS ?? 300);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 3));
const here = import.meta.dirname;
const admin = new pg.Client({ connectionString: BASE });
await admin.connect();

/**
 * Our workers run with --throw-deprecation: a pg deprecation (overlapping queries on one
 * client) fails the bench. DBOS's stderr is labelled: its pg pool prints one such warning.
 */
function spawnTs(file: string, args: string[], label?: string): { child: ChildProcess; lines: string[]; ready: Promise<void>; exited: Promise<void> } {
  const flags = label ? [] : ['--throw-deprecation'];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', join(here, 'postgres', file), ...args], { stdio: ['ignore', 'pipe', label ? 'pipe' : 'inherit'] });
  if (label) child.stderr!.on('data', (d: Buffer) => process.stderr.write(d.toString().replace(/^(?=.)/gm, `[${label}] `)));
  const lines: string[] = [];
  let onLine: () => void = () => {};
  const ready = new Promise<void>((r) => (onLine = r));
  child.stdout!.on('data', (d: Buffer) => {
    lines.push(...d.toString().trim().split('\n'));
    onLine();
  });
  const exited = new Promise<void>((r) =>
    child.on('exit', (code) => {
      if (code !== 0) {
        console.error(`bench:postgres: ${file} exited with code ${code} (a deprecation warning or a crash, above)`);
        process.exit(1);
      }
      r();
    }),
  );
  return { child, lines, ready, exited };
}

/** Waits until `count` rows are done, then returns the latest completion time (epoch ms). */
async function lastCompletion(db: pg.Client, sql: string, count: number): Promise<number> {
  for (;;) {
    const r = await db.query(sql);
    if (Number(r.rows[0].n) >= count) return Number(r.rows[0].last);
    await new Promise((res) => setTimeout(res, 50));
  }
}

async function ours(processes: number): Promise<number> {
  const schema = `dx_bench_${processes}`;
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const store = new PostgresStore({ connectionString: BASE, schema });
  await store.init();
  const workers = Array.from({ length: processes }, () => spawnTs('pg-worker.ts', [BASE, schema]));
  await Promise.all(workers.map((w) => w.ready));
  const client = new Client(store);
  const startedAtMs = Date.now();
  for (let i = 0; i < ORCHESTRATIONS; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, ORCHESTRATIONS - i) }, () => client.startOrchestration('ten')));
  }
  const last = await lastCompletion(admin, `SELECT count(*) AS n, max(updated_at) AS last FROM "${schema}".instances WHERE status = 'Completed'`, ORCHESTRATIONS);
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await store.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  return (ORCHESTRATIONS * 10) / ((last - startedAtMs) / 1000);
}

async function dbos(): Promise<number> {
  const url = new URL(BASE);
  url.pathname = '/duroxide_bench_dbos';
  await admin.query('DROP DATABASE IF EXISTS duroxide_bench_dbos WITH (FORCE)');
  await admin.query('CREATE DATABASE duroxide_bench_dbos');
  const run = spawnTs('dbos-worker.ts', [url.toString(), String(ORCHESTRATIONS)], 'DBOS worker');
  await run.exited;
  const { startedAtMs } = JSON.parse(run.lines.at(-1) ?? '{}') as { startedAtMs?: number };
  if (!startedAtMs) throw new Error(`DBOS run failed: ${run.lines.join('\n')}`);
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  const last = await lastCompletion(db, `SELECT count(*) AS n, max(updated_at) AS last FROM dbos.workflow_status WHERE status = 'SUCCESS'`, ORCHESTRATIONS);
  await db.end();
  await admin.query('DROP DATABASE IF EXISTS duroxide_bench_dbos WITH (FORCE)');
  return (ORCHESTRATIONS * 10) / ((last - startedAtMs) / 1000);
}

const configs: { label: string; run: () => Promise<number>; rates: number[] }[] = [
  { label: 'duroxide-llm, 1 process', run: () => ours(1), rates: [] },
  { label: 'DBOS Transact, 1 process (10-step workflow)', run: dbos, rates: [] },
  { label: 'duroxide-llm, 2 processes', run: () => ours(2), rates: [] },
  { label: 'duroxide-llm, 4 processes', run: () => ours(4), rates: [] },
];
for (let round = 0; round < RUNS; round++) {
  // Interleaved, and each round starts at a different configuration, so drift spreads evenly.
  for (let k = 0; k < configs.length; k++) {
    const c = configs[(k + round) % configs.length];
    c.rates.push(await c.run());
  }
}
await admin.end();

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const [p1, dbosRate, p2, p4] = configs.map((c) => median(c.rates));
const version = JSON.parse(readFileSync(join(here, '../node_modules/@dbos-inc/dbos-sdk/package.json'), 'utf8')).version as string;
console.log(
  `machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores shared with PostgreSQL, node ${process.version}; ` +
    `${ORCHESTRATIONS} orchestrations x 10 activities; DBOS ${version}; ${RUNS} interleaved runs each, medians`,
);
console.table(
  configs.map((c) => ({
    system: c.label,
    activities_per_s_median: median(c.rates).toFixed(0),
    runs: c.rates.map((r) => r.toFixed(0)).join(' / '),
  })),
);
console.log(
  `RESULT pg_activities_per_s_1=${p1.toFixed(0)} pg_activities_per_s_2=${p2.toFixed(0)} pg_activities_per_s_4=${p4.toFixed(0)} ` +
    `dbos_activities_per_s=${dbosRate.toFixed(0)} ratio_vs_dbos=${(p1 / dbosRate).toFixed(2)} ratio_vs_dbos_2=${(p2 / dbosRate).toFixed(2)}`,
);
