/**
 * bench:postgres — throughput of orchestrations of 10 sequential activities with 1, 2 and 4
 * runtime processes on one PostgreSQL database, and the same workload on DBOS Transact
 * (a workflow with 10 steps) against the same server, in the same run.
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
const here = import.meta.dirname;
const admin = new pg.Client({ connectionString: BASE });
await admin.connect();

function spawnTs(file: string, args: string[]): { child: ChildProcess; lines: string[]; ready: Promise<void>; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'postgres', file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let onLine: () => void = () => {};
  const ready = new Promise<void>((r) => (onLine = r));
  child.stdout!.on('data', (d: Buffer) => {
    lines.push(...d.toString().trim().split('\n'));
    onLine();
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  return { child, lines, ready, exited };
}

async function ours(processes: number): Promise<number> {
  const schema = `dx_bench_${processes}`;
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  const store = new PostgresStore({ connectionString: BASE, schema });
  await store.init();
  const workers = Array.from({ length: processes }, () => spawnTs('pg-worker.ts', [BASE, schema]));
  await Promise.all(workers.map((w) => w.ready));
  const client = new Client(store);
  const t0 = performance.now();
  for (let i = 0; i < ORCHESTRATIONS; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, ORCHESTRATIONS - i) }, () => client.startOrchestration('ten')));
  }
  for (;;) {
    const r = await admin.query(`SELECT count(*)::int AS n FROM "${schema}".instances WHERE status = 'Completed'`);
    if (r.rows[0].n >= ORCHESTRATIONS) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const seconds = (performance.now() - t0) / 1000;
  for (const w of workers) w.child.kill('SIGTERM');
  await Promise.all(workers.map((w) => w.exited));
  await store.close();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  return (ORCHESTRATIONS * 10) / seconds;
}

async function dbos(): Promise<number> {
  const url = new URL(BASE);
  url.pathname = '/duroxide_bench_dbos';
  await admin.query('DROP DATABASE IF EXISTS duroxide_bench_dbos WITH (FORCE)');
  await admin.query('CREATE DATABASE duroxide_bench_dbos');
  const run = spawnTs('dbos-worker.ts', [url.toString(), String(ORCHESTRATIONS)]);
  await run.exited;
  const result = JSON.parse(run.lines.at(-1) ?? '{}') as { seconds?: number };
  await admin.query('DROP DATABASE IF EXISTS duroxide_bench_dbos WITH (FORCE)');
  if (!result.seconds) throw new Error(`DBOS run failed: ${run.lines.join('\n')}`);
  return (ORCHESTRATIONS * 10) / result.seconds;
}

const p1 = await ours(1);
const dbosRate = await dbos();
const p2 = await ours(2);
const p4 = await ours(4);
await admin.end();

const version = JSON.parse(readFileSync(join(here, '../node_modules/@dbos-inc/dbos-sdk/package.json'), 'utf8')).version as string;
console.log(`machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores shared with PostgreSQL, node ${process.version}; ${ORCHESTRATIONS} orchestrations x 10 activities; DBOS ${version}`);
console.table([
  { system: 'duroxide-llm, 1 process', activities_per_s: p1.toFixed(0) },
  { system: 'duroxide-llm, 2 processes', activities_per_s: p2.toFixed(0) },
  { system: 'duroxide-llm, 4 processes', activities_per_s: p4.toFixed(0) },
  { system: 'DBOS Transact, 1 process (10-step workflow)', activities_per_s: dbosRate.toFixed(0) },
]);
console.log(
  `RESULT pg_activities_per_s_1=${p1.toFixed(0)} pg_activities_per_s_2=${p2.toFixed(0)} pg_activities_per_s_4=${p4.toFixed(0)} ` +
    `dbos_activities_per_s=${dbosRate.toFixed(0)} ratio_vs_dbos=${(p1 / dbosRate).toFixed(2)}`,
);
