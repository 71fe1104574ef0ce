/** A runtime process for bench:postgres: runs `ten` orchestrations until told to stop. */
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { PostgresStore } from '../../src/store/postgres-store.js';

const [url, schema] = process.argv.slice(2);
const runtime = new Runtime({ store: new PostgresStore({ connectionString: url, schema, max: 8 }), logger: silentLogger });
runtime.registerActivity('noop', async (_a, i: number) => i);
runtime.registerOrchestration('ten', async (ctx) => {
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += await ctx.scheduleActivity<number>('noop', i);
  return sum;
});
await runtime.start();
console.log('ready');
process.on('SIGTERM', async () => {
  await runtime.shutdown({ closeStore: true });
  process.exit(0);
});
