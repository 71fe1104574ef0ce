/**
 * Decorators compiled by tsc (standard and experimentalDecorators) and by esbuild register the
 * same orchestrations, activities and tools; mistakes are caught with clear errors.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform } from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { activity, orchestration, DecoratorUsageError } from '../../src/tools/decorators.js';
import '../../src/tools/symbol-metadata.js';
import { Runtime, silentLogger } from '../../src/runtime/runtime.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { InvalidSchemaError } from '../../src/llm/json-schema.js';
import { DuplicateRegistrationError } from '../../src/runtime/errors.js';
import { tempDir } from '../support/temp-paths.js';
import { getClassMetadata } from '../../src/tools/metadata.js';

(globalThis as Record<string, unknown>).__duroxide = { orchestration, activity };

const SOURCE = `
const { orchestration, activity } = (globalThis as any).__duroxide;

export class Billing {
  constructor(private readonly rate = 2) {}
  @activity({ description: 'Charge a card', diagramLabel: 'Charge card', parameters: { type: 'object', properties: { amount: { type: 'number' } }, required: ['amount'] } })
  async charge(_ctx: unknown, input: { amount: number }) { return input.amount * this.rate; }
  @activity({ name: 'refund_payment', diagramColor: '#f99' })
  async refund(_ctx: unknown, input: { amount: number }) { return -input.amount; }
}

@orchestration({ name: 'checkout', version: '2.0.0', diagramTitle: 'Checkout' })
export class Checkout {
  async run(ctx: any, input: { amount: number }) { return ctx.scheduleActivity('charge', input); }
}
`;

const dir = tempDir('duroxide-decorators-');
let n = 0;

async function load(code: string): Promise<Record<string, any>> {
  const file = join(dir, `compiled-${n++}.mjs`);
  writeFileSync(file, code);
  return import(pathToFileURL(file).href);
}

function compileTsc(experimentalDecorators: boolean): string {
  return ts.transpileModule(SOURCE, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators, useDefineForClassFields: true },
  }).outputText;
}

async function compileEsbuild(): Promise<string> {
  return (await transform(SOURCE, { loader: 'ts', format: 'esm', target: 'es2022' })).code;
}

/** What a runtime ends up with after registering the compiled classes. */
async function registryOf(mod: Record<string, any>) {
  const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger });
  runtime.register(mod.Checkout, new mod.Billing(3));
  await runtime.start();
  const id = await runtime.client.startOrchestration('checkout', { amount: 5 });
  const result = await runtime.client.getResult(id);
  await runtime.shutdown();
  return {
    orchestrations: runtime.orchestrations.names(),
    activities: runtime.activities.list().map((a) => ({ name: a.name, metadata: a.metadata })),
    tools: runtime.tools.describe(),
    result,
  };
}

describe('decorators', () => {
  it('tsc with standard decorators, tsc with experimentalDecorators and esbuild produce the same registry', async () => {
    const standard = await registryOf(await load(compileTsc(false)));
    const legacy = await registryOf(await load(compileTsc(true)));
    const esbuilt = await registryOf(await load(await compileEsbuild()));
    expect(standard.orchestrations).toEqual(['checkout@2.0.0']);
    expect(standard.activities.map((a) => a.name).sort()).toEqual(['charge', 'refund_payment']);
    expect(standard.tools.map((t) => t.name)).toEqual(['charge']);
    expect(standard.activities.find((a) => a.name === 'charge')?.metadata).toMatchObject({ diagramLabel: 'Charge card', description: 'Charge a card' });
    expect(standard.result).toBe(15); // the instance passed in (rate 3) is the one that runs
    expect(legacy).toEqual(standard);
    expect(esbuilt).toEqual(standard);
  });

  it('the compiled output really uses each decorator mode', () => {
    expect(compileTsc(true)).toContain('__decorate');
    expect(compileTsc(false)).toContain('__esDecorate');
  });

  it('@activity on a field is refused with a clear error', async () => {
    const code = ts.transpileModule(
      `const { activity } = (globalThis as any).__duroxide;\nexport class Bad { @activity() notAMethod = 1; }`,
      { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } },
    ).outputText;
    await expect(load(code)).rejects.toThrow(/goes on a method/);
  });

  it('@orchestration on a class without run is refused', () => {
    expect(() => orchestration()(class NoRun {}, undefined)).toThrow(DecoratorUsageError);
    expect(() => orchestration()(class NoRun {}, undefined)).toThrow(/no run\(ctx, input\) method/);
  });

  it('duplicate names and invalid JSON Schemas are caught at registration', async () => {
    const mod = await load(compileTsc(true));
    const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger });
    runtime.register(mod.Billing);
    expect(() => runtime.register(mod.Billing)).toThrow(DuplicateRegistrationError);
    expect(() => runtime.registerActivity('broken', async () => 1, { description: 'x', parameters: { type: 'no-such-type' } })).toThrow(InvalidSchemaError);
    expect(runtime.activities.names()).not.toContain('broken');
  });

  it('a class without decorators is refused with advice', () => {
    const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger });
    expect(() => runtime.register(class Plain {})).toThrow(/no @orchestration or @activity/);
  });

  it("the seed's string forms: @orchestration('Title') sets diagramTitle, @activity('Label') sets diagramLabel", async () => {
    const src = `
const { orchestration, activity } = (globalThis as any).__duroxide;
export class Payments {
  @activity('💳 Process Payment')
  async processPayment(_ctx: unknown, input: { amount: number }) { return input.amount; }
}
@orchestration('Order Processing Workflow')
export class OrderProcessing {
  async run(ctx: any, input: { amount: number }) { return ctx.scheduleActivity('processPayment', input); }
}`;
    for (const experimentalDecorators of [false, true]) {
      const code = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, experimentalDecorators } }).outputText;
      const mod = await load(code);
      const meta = getClassMetadata(mod.OrderProcessing);
      expect(meta?.orchestration).toEqual({ name: 'OrderProcessing', diagramTitle: 'Order Processing Workflow' });
      expect(getClassMetadata(mod.Payments)?.activities).toEqual([{ method: 'processPayment', options: { name: 'processPayment', diagramLabel: '💳 Process Payment' } }]);
      const runtime = new Runtime({ store: new MemoryStore(), logger: silentLogger });
      runtime.register(mod.OrderProcessing, mod.Payments);
      await runtime.start();
      expect(await runtime.client.getResult(await runtime.client.startOrchestration('OrderProcessing', { amount: 7 }))).toBe(7);
      await runtime.shutdown();
    }
  });

  it('any other non-object argument is a DecoratorUsageError naming what was passed', () => {
    expect(() => orchestration(42 as never)).toThrow(DecoratorUsageError);
    expect(() => orchestration(42 as never)).toThrow(/@orchestration\(\) was given a number \(42\)\. Pass an options object/);
    expect(() => activity(['x'] as never)).toThrow(/@activity\(\) was given an array/);
    expect(() => activity(null as never)).toThrow(/@activity\(\) was given a null/);
    expect(() => activity(true as never)).toThrow(/sets diagramLabel/);
  });
});
