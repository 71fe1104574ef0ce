/**
 * Typed activities, sub-orchestrations, client starts and races: the mistakes in
 * typed-calls.types.ts do not compile (each `@ts-expect-error` is used), the correct calls do,
 * and at run time the typed calls are the same durable calls as the string API.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { activity, orchestration } from '../../src/index.js';
import type { ActivityContext, OrchestrationContext } from '../../src/index.js';
import { startRuntime } from '../runtime/runtime-harness.js';

describe('typed calls', () => {
  it('misspelled names, wrong inputs and wrong uses of results are compile errors', () => {
    const root = join(import.meta.dirname, '../..');
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram([join(import.meta.dirname, 'typed-calls.types.ts')], { ...parsed.options, noEmit: true });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]); // an unused @ts-expect-error would be reported here
    const text = ts.sys.readFile(join(import.meta.dirname, 'typed-calls.types.ts'))!;
    expect(text.match(/@ts-expect-error/g)?.length).toBe(10);
  });

  it('at run time they schedule the registered names, renamed activities included', async () => {
    // Decorators applied by hand (legacy signature): vitest's transform keeps TC39 decorators as written.
    class Shipping {
      async ship(_actx: ActivityContext, address: string) {
        return `shipped to ${address}`;
      }
    }
    activity({ name: 'ship-parcel' })(Shipping.prototype, 'ship', Object.getOwnPropertyDescriptor(Shipping.prototype, 'ship')!);
    class Deliver {
      async run(ctx: OrchestrationContext, address: string) {
        return ctx.activities(Shipping).ship(address);
      }
    }
    orchestration({ name: 'deliver' })(Deliver);
    const { runtime } = await startRuntime((rt) => {
      rt.register(Shipping, Deliver);
      rt.registerOrchestration('parent', async (ctx, address: string) => ctx.subOrchestration(Deliver, address));
    });
    const handle = await runtime.client.start(Deliver, 'Main St 1');
    expect(await handle.result()).toBe('shipped to Main St 1');
    const history = await runtime.client.readHistory(handle.instanceId);
    expect(history.find((e) => e.kind === 'ActivityScheduled')).toMatchObject({ name: 'ship-parcel' });
    const parent = await runtime.client.startOrchestration('parent', 'Side St 2');
    expect(await runtime.client.getResult(parent)).toBe('shipped to Side St 2');
  });
});
