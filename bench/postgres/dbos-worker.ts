/**
 * The same workload on DBOS Transact: a workflow of 10 steps, `count` workflows at once.
 * Prints the wall-clock time (epoch ms) just before the first workflow starts; the bench
 * reads when the last one finished from DBOS's own workflow table, as it does for ours.
 */
import { DBOS } from '@dbos-inc/dbos-sdk';

const [url, countArg] = process.argv.slice(2);
const count = Number(countArg);
DBOS.setConfig({ name: 'duroxide-bench', systemDatabaseUrl: url, logLevel: 'error' });
const ten = DBOS.registerWorkflow(
  async () => {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += await DBOS.runStep(async () => i, { name: `noop` });
    return sum;
  },
  { name: 'ten' },
);
await DBOS.launch();
const startedAtMs = Date.now();
const handles = await Promise.all(Array.from({ length: count }, () => DBOS.startWorkflow(ten)()));
await Promise.all(handles.map((h) => h.getResult()));
await DBOS.shutdown();
console.log(JSON.stringify({ startedAtMs }));
process.exit(0);
