/**
 * Events raised together (in a burst, or while no runtime runs) across continueAsNew: every
 * event the ending execution did not consume reaches the next one, in order, on every store.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '../../src/runtime/client.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { storeKinds } from '../support/store-matrix.js';

/** Takes one event per execution and continues as new until it has `want` of them. */
function register(rt: Runtime) {
  rt.registerOrchestration('collector', async (ctx, input: { got: string[]; want: number }) => {
    const next = await ctx.waitForEvent<string>('tick');
    const got = [...input.got, next];
    if (got.length >= input.want) return got;
    return ctx.continueAsNew({ got, want: input.want });
  });
  rt.registerOrchestration('two-names', async (ctx, input: { log: string[] }) => {
    const a = await ctx.waitForEvent<string>('a');
    const log = [...input.log, a];
    if (log.length === 3) {
      const bs = await ctx.all([ctx.waitForEvent<string>('b'), ctx.waitForEvent<string>('b')]);
      return [...log, ...bs];
    }
    return ctx.continueAsNew({ log });
  });
}

for (const kind of storeKinds) {
  describe.skipIf(kind.skip)(`continue-as-new carries unconsumed events (${kind.name})`, () => {
    for (const cache of [true, false]) {
      it(`five events raised while no runtime runs all reach later executions, in order (cache ${cache ? 'on' : 'off'})`, async () => {
        const store = kind.make();
        const client = new Client(store);
        const id = await client.startOrchestration('collector', { got: [], want: 5 });
        for (const v of ['e1', 'e2', 'e3', 'e4', 'e5']) await client.raiseEvent(id, 'tick', v);
        const rt = new Runtime({ store, logger: silentLogger, idlePollMs: 5, executionCache: cache });
        register(rt);
        await rt.start();
        try {
          expect(await rt.client.getResult(id, { timeoutMs: 20_000 })).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
          expect(await rt.client.listExecutions(id)).toEqual([1, 2, 3, 4, 5]);
        } finally {
          await rt.shutdown({ closeStore: true });
        }
      });
    }

    it('a burst of events of two names, raised while the runtime runs, keeps their order across executions', async () => {
      const store = kind.make();
      const rt = new Runtime({ store, logger: silentLogger, idlePollMs: 5 });
      register(rt);
      const client = new Client(store);
      const id = await client.startOrchestration('two-names', { log: [] });
      // Raised before the first turn: all arrive in one turn together.
      for (const [name, v] of [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2'], ['a', 'a3']] as const) {
        await client.raiseEvent(id, name, v);
      }
      await rt.start();
      try {
        expect(await rt.client.getResult(id, { timeoutMs: 20_000 })).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
        const last = await rt.client.readHistory(id);
        // The two b events were carried twice and still arrived first-in, first-out.
        expect(last.filter((e) => e.kind === 'ExternalEvent').map((e) => (e as { data: string }).data)).toEqual(['b1', 'b2', 'a3']);
      } finally {
        await rt.shutdown({ closeStore: true });
      }
    });
  });
}
