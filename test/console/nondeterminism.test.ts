/** A NondeterminismError in the console: the header names the code site of the mismatching call. */
import { expect, it } from 'vitest';
import { ConsoleApi } from '../../src/console/console-api.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { waitFor } from './scenario.js';

it('shows where the code diverged from history', async () => {
  const store = new MemoryStore();
  const first = new Runtime({ store, logger: silentLogger, idlePollMs: 5 });
  first.registerActivity('a', async () => 1).registerActivity('b', async () => 2);
  first.registerOrchestration('Flip', async (ctx) => {
    await ctx.scheduleActivity('a');
    return ctx.waitForEvent('go');
  });
  await first.start();
  const id = await first.client.startOrchestration('Flip');
  await waitFor(async () => (await store.readHistory(id)).some((e) => e.kind === 'ExternalSubscribed'));
  await first.shutdown();

  // The same version deployed with different code: replay finds "b" where history has "a".
  const second = new Runtime({ store, logger: silentLogger, idlePollMs: 5, executionCache: false });
  second.registerActivity('a', async () => 1).registerActivity('b', async () => 2);
  second.registerOrchestration('Flip', async (ctx) => {
    await ctx.scheduleActivity('b');
    return ctx.waitForEvent('go');
  });
  await second.start();
  try {
    await second.client.raiseEvent(id, 'go', 1);
    await waitFor(async () => (await store.getInstance(id))?.status === 'Failed');
    const d = await new ConsoleApi(store).instance(id);
    expect(d.instance.error?.name).toBe('NondeterminismError');
    expect(d.codeSite).toMatch(/test\/console\/nondeterminism\.test\.ts:\d+:\d+$/);
  } finally {
    await second.shutdown();
  }
});
