/**
 * The README demo: `npm run demo`.
 *
 * An order workflow on the embedded SQLite store (.duroxide/duroxide.db): activities, a
 * durable timer, an external event (a human approval raised by the client), and an LLM step
 * that uses a real provider when OPENAI_API_KEY or ANTHROPIC_API_KEY is set and the scripted
 * mock otherwise. It prints each history event as the orchestration records it.
 */
import { Runtime, SqliteStore, silentLogger, type HistoryEvent, type OrchestrationContext } from '../src/index.js';
import { demoLlmProvider } from './demo-llm.js';

interface Order {
  id: string;
  items: { sku: string; qty: number }[];
  note: string;
}

const llm = await demoLlmProvider();
const store = new SqliteStore({ path: '.duroxide/duroxide.db' });
const runtime = new Runtime({ store, llm: llm.provider, logger: silentLogger });

runtime.registerActivity('reserveInventory', async (_ctx, order: Order) => ({
  reservationId: `res-${order.id}`,
  lines: order.items.length,
}));
runtime.registerActivity('chargeCard', async (_ctx, input: { orderId: string; amount: number }) => ({
  chargeId: `ch-${input.orderId}`,
  amount: input.amount,
}));
runtime.registerActivity('shipOrder', async (_ctx, orderId: string) => `tracking-${orderId.slice(-6)}`);

runtime.registerOrchestration('processOrder', async (ctx: OrchestrationContext, order: Order) => {
  ctx.setCustomStatus({ step: 'reserving' });
  const reservation = await ctx.scheduleActivity<{ reservationId: string }>('reserveInventory', order);

  // An LLM step, recorded in history: a replay never calls the model again.
  const priority = await ctx.classify(order.note, ['urgent', 'normal']);

  ctx.setCustomStatus({ step: 'awaiting approval', priority });
  // Wait for a human approval, but never longer than 30 s.
  const decision = await ctx.race(ctx.waitForEvent<{ approved: boolean }>('approval'), ctx.scheduleTimer(30_000));
  if (decision.index === 1 || !(decision.value as { approved: boolean }).approved) {
    return { orderId: order.id, status: 'rejected' };
  }

  const amount = order.items.reduce((sum, i) => sum + i.qty * 10, 0);
  const charge = await ctx.scheduleActivity<{ chargeId: string }>('chargeCard', { orderId: order.id, amount });
  await ctx.scheduleTimer(200); // a short cooling-off period, durable across restarts
  const tracking = await ctx.scheduleActivity<string>('shipOrder', order.id);
  return { orderId: order.id, status: 'shipped', priority, reservation: reservation.reservationId, charge: charge.chargeId, tracking };
});

function describe(e: HistoryEvent): string {
  const { eventId, timestampMs: _t, kind, ...rest } = e;
  const detail = JSON.stringify(rest);
  return `  #${String(eventId).padStart(2)} ${kind.padEnd(26)} ${detail.length > 110 ? detail.slice(0, 107) + '...' : detail}`;
}

await runtime.start();
console.log(`duroxide-llm demo: SQLite store at .duroxide/duroxide.db, LLM provider: ${llm.description}\n`);

const order: Order = { id: `order-${Date.now()}`, items: [{ sku: 'kb-01', qty: 2 }, { sku: 'mouse-7', qty: 1 }], note: 'Please hurry, this is for a launch tomorrow!' };
const instanceId = await runtime.client.startOrchestration('processOrder', order, { instanceId: order.id });
console.log(`started processOrder as ${instanceId}; history as it is recorded:`);

let printed = 0;
let approved = false;
for (;;) {
  const history = await runtime.client.readHistory(instanceId);
  for (const e of history.slice(printed)) console.log(describe(e));
  printed = history.length;
  if (!approved && history.some((e) => e.kind === 'ExternalSubscribed')) {
    console.log('  -> the client approves the order: raiseEvent("approval", { approved: true })');
    await runtime.client.raiseEvent(instanceId, 'approval', { approved: true });
    approved = true;
  }
  const status = await runtime.client.getStatus(instanceId);
  if (status && ['Completed', 'Failed', 'Cancelled'].includes(status.status)) {
    const rest = await runtime.client.readHistory(instanceId);
    for (const e of rest.slice(printed)) console.log(describe(e));
    console.log(`\nresult (${status.status}):`, JSON.stringify(status.output ?? status.error));
    const usage = await runtime.client.getLlmUsage(instanceId);
    console.log(`LLM usage: ${usage.calls} call(s), ${usage.input} input + ${usage.output} output tokens`);
    await runtime.shutdown({ closeStore: true });
    process.exit(status.status === 'Completed' ? 0 : 1);
  }
  await new Promise((r) => setTimeout(r, 25));
}
