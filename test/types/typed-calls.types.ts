/**
 * Compile-time checks of the typed calls. Not run: typechecked by typed-calls.test.ts (and
 * `npm run typecheck`). Each `@ts-expect-error` must be an error, or the check fails.
 */
import type { ActivityContext, Client, DurableTask, OrchestrationContext } from '../../src/index.js';

declare const ctx: OrchestrationContext;
declare const client: Client;

class PaymentActivities {
  async charge(_actx: ActivityContext, input: { orderId: string; cents: number }): Promise<{ receipt: string }> {
    return { receipt: input.orderId };
  }
  async refund(_actx: ActivityContext, receipt: string): Promise<boolean> {
    return receipt.length > 0;
  }
  async ping(_actx: ActivityContext): Promise<'pong'> {
    return 'pong';
  }
  helperThatIsNotAnActivity = 3;
}

class OrderWorkflow {
  async run(octx: OrchestrationContext, order: { id: string; cents: number }): Promise<{ receipt: string; refunded: boolean }> {
    const pay = octx.activities(PaymentActivities);
    const { receipt } = await pay.charge({ orderId: order.id, cents: order.cents });
    const refunded: boolean = await pay.refund(receipt);
    const pong: 'pong' = await pay.ping();
    void pong;
    // @ts-expect-error: misspelled activity name
    await pay.chrage({ orderId: order.id, cents: 1 });
    // @ts-expect-error: wrong input shape
    await pay.charge({ orderId: order.id });
    // @ts-expect-error: wrong use of the result (receipt is a string, not a number)
    const n: number = (await pay.charge({ orderId: 'x', cents: 1 })).receipt;
    void n;
    return { receipt, refunded };
  }
}

export const activities = {
  greet: async (_actx: ActivityContext, name: string) => `Hello, ${name}!`,
};
export async function typeOnly(): Promise<void> {
  const acts = ctx.activities<typeof activities>();
  const s: string = await acts.greet('Ada');
  void s;
  // @ts-expect-error: greet takes a string
  await acts.greet(42);

  const child: DurableTask<{ receipt: string; refunded: boolean }> = ctx.subOrchestration(OrderWorkflow, { id: 'o1', cents: 5 });
  void child;
  // @ts-expect-error: the input of OrderWorkflow has no `total`
  ctx.subOrchestration(OrderWorkflow, { id: 'o1', total: 5 });

  const handle = await client.start(OrderWorkflow, { id: 'o2', cents: 9 });
  const result = await handle.result();
  const r: string = result.receipt;
  void r;
  // @ts-expect-error: the result has no `total`
  void result.total;
  // @ts-expect-error: wrong input
  await client.start(OrderWorkflow, 'not an order');

  const fnRef = { name: 'double', fn: async (_c: OrchestrationContext, x: number) => x * 2 };
  const doubled: number = await (await client.start(fnRef, 21)).result();
  void doubled;

  // LLM operation methods are typed from their specs.
  const verdict: boolean = await ctx.ifTrue('Is it raining?');
  const summary: string = await ctx.summarize('long text', 20, { model: 'm' });
  void verdict;
  void summary;
  // @ts-expect-error: maxWords is a number
  await ctx.summarize('long text', 'twenty');

  // ctx.race: a discriminated union of its branches.
  const winner = await ctx.race(ctx.scheduleActivity<string>('a'), ctx.scheduleTimer(10), ctx.waitForEvent<{ ok: boolean }>('approval'));
  if (winner.index === 0) {
    const text: string = winner.value;
    void text;
  } else if (winner.index === 2) {
    const ok: boolean = winner.value.ok;
    void ok;
  } else {
    const none: void = winner.value;
    void none;
  }
  // @ts-expect-error: a race of three has no index 3
  if (winner.index === 3) void 0;
}
