/** The same workload on DBOS Transact: a workflow of 10 steps, `count` workflows at once. */
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
const t0 = performance.now();
const handles = await Promise.all(Array.from({ length: count }, () => DBOS.startWorkflow(ten)()));
await Promise.all(handles.map((h) => h.getResult()));
const seconds = (performance.now() - t0) / 1000;
await DBOS.shutdown();
console.log(JSON.stringify({ seconds }));
process.exit(0);
