/** Vite dev server: editing an orchestration updates its diagram module without a restart. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import vitePlugin from '../../plugins/vite.js';
import { makeProject } from '../diagram/diagram-project.js';

it('editing an orchestration updates its diagram module (HMR)', { timeout: 60_000 }, async () => {
  const { createServer } = await import('vite');
  const root = makeProject(['order-saga.ts']);
  const server = await createServer({ root, configFile: false, logLevel: 'silent', server: { middlewareMode: true, hmr: false, watch: null }, plugins: [vitePlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false })] });
  try {
    const before = await server.transformRequest('~duroxide/diagrams/order-saga');
    expect(before?.code).toContain('Reserve inventory');
    expect(before?.code).not.toContain('notifyCustomer');

    const file = join(root, 'src/order-saga.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
    // What the file watcher does on save.
    const mod = await server.moduleGraph.ensureEntryFromUrl('/src/order-saga.ts');
    const plugin = server.config.plugins.find((p) => p.name === 'duroxide-llm')!;
    const hook = plugin.handleHotUpdate as (ctx: unknown) => Promise<unknown>;
    await hook.call({}, { file, timestamp: Date.now(), modules: [mod], read: async () => readFileSync(file, 'utf8'), server });

    const after = await server.transformRequest('~duroxide/diagrams/order-saga');
    expect(after?.code).toContain('notifyCustomer');
  } finally {
    await server.close();
  }
});

it('editing a file that only defines activities redraws the diagrams that use them (labels, name check)', { timeout: 60_000 }, async () => {
  const { createServer } = await import('vite');
  const billing = (name: string) => `import { activity } from 'duroxide-llm';\nexport class Billing {\n  @activity({ name: '${name}', diagramLabel: 'Charge the card' })\n  async charge() {}\n}\n`;
  const checkout = "import { orchestration } from 'duroxide-llm';\n@orchestration()\nexport class Checkout {\n  async run(ctx) {\n    await ctx.scheduleActivity('chargeCard');\n  }\n}\n";
  const root = makeProject([], { 'src/billing.ts': billing('chargeCrad'), 'src/checkout.ts': checkout });
  const heard: string[] = [];
  const logger = { info() {}, warn: (m: string) => void heard.push(m), warnOnce: (m: string) => void heard.push(m), error() {}, clearScreen() {}, hasErrorLogged: () => false, hasWarned: false };
  const server = await createServer({ root, configFile: false, customLogger: logger, server: { middlewareMode: true, hmr: false, watch: null }, plugins: [vitePlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false })] });
  try {
    expect((await server.transformRequest('~duroxide/diagrams/checkout'))?.code).not.toContain('Charge the card');
    expect(heard.join('\n')).toContain('schedules activity "chargeCard", which nothing in the project defines (no @activity or registerActivity with that name); did you mean "chargeCrad"?');
    const file = join(root, 'src/billing.ts');
    writeFileSync(file, billing('chargeCard'));
    const mod = await server.moduleGraph.ensureEntryFromUrl('/src/billing.ts');
    const plugin = server.config.plugins.find((p) => p.name === 'duroxide-llm')!;
    const hook = plugin.handleHotUpdate as (ctx: unknown) => Promise<unknown>;
    await hook.call({}, { file, timestamp: Date.now(), modules: [mod], read: async () => readFileSync(file, 'utf8'), server });
    expect((await server.transformRequest('~duroxide/diagrams/checkout'))?.code).toContain('Charge the card');
  } finally {
    await server.close();
  }
});
