/**
 * Schedule events record the source position of their ctx call, so the console can map events
 * to diagram nodes (whose lines come from the source). Under a transform (vitest, tsx) the
 * position must be the source's, through the source map the environment installed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { registerConsoleFlows } from './fixtures/console-flows.js';
import { FLOWS_DIR } from './scenario.js';

it('the site of a schedule event is the file, line and column of the ctx call in the source', async () => {
  const file = join(FLOWS_DIR, 'console-flows.ts');
  const lines = readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => l.includes("ctx.scheduleActivity('validate', order)")) + 1;
  const column = lines[line - 1].indexOf('scheduleActivity') + 1;
  const store = new MemoryStore();
  const rt = new Runtime({ store, logger: silentLogger });
  registerConsoleFlows(rt);
  await rt.start();
  try {
    const id = await rt.client.startOrchestration('OrderFlow', { id: 'o', express: false, amount: 1 });
    await rt.client.waitForOrchestration(id);
    const validate = (await store.readHistory(id)).find((e) => e.kind === 'ActivityScheduled' && e.name === 'validate');
    expect(validate?.site, 'the recorded site must be the source position (apply the source map the environment installed)').toBe(`${file}:${line}:${column}`);
  } finally {
    await rt.shutdown();
  }
});
