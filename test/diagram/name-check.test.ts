/**
 * The build step checks names: an orchestration that schedules an activity or sub-orchestration
 * nothing in the project defines, or waits for a near miss of an event the project raises, is
 * warned about with file:line and the closest known names; so is a decision on Math.random(),
 * Date.now() or new Date(). The CLI prints them on stderr and `--check --strict` fails on them;
 * the bundler plugin reports them through the bundler (Rollup's onwarn).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagramCli as cli } from '../cli/run-diagram-cli.js';
import rollupPlugin from '../../plugins/rollup.js';
import { DiagramProject } from '../../src/diagram/generate-diagrams.js';
import { makeProject } from './diagram-project.js';

const ACTIVITIES = `import { activity } from 'duroxide-llm';
export class Billing {
  @activity({ diagramLabel: 'Charge the card' })
  async chargeCard() {}
}
`;
const WORKER = `export function registerAll(runtime) {
  runtime.registerActivity('shipOrder', async () => null, { diagramLabel: 'Ship it' });
  runtime.registerOrchestration('Refund', refund);
}
`;
const CLIENT = `export async function approve(client, id) {
  await client.raiseEvent(id, 'managerApproval', { ok: true });
}
`;
const CHECKOUT = `import { orchestration } from 'duroxide-llm';
@orchestration()
export class Checkout {
  async run(ctx, order) {
    await ctx.scheduleActivity('chargeCrad', order);
    await ctx.scheduleActivity('shipOrder', order);
    await ctx.scheduleSubOrchestration('Refnd', order);
    await ctx.waitForEvent('managerAproval');
    await ctx.waitForEvent('carrierWebhook');
    if (Math.random() < 0.1) await ctx.scheduleActivity('shipOrder', order);
    while (Date.now() < order.deadline) await ctx.scheduleTimer(1000);
    return new Date() > order.expires ? ctx.scheduleActivity('chargeCard', order) : null;
  }
}
`;
const project = () =>
  makeProject([], { 'src/billing.ts': ACTIVITIES, 'src/worker.ts': WORKER, 'src/client.ts': CLIENT, 'src/checkout.ts': CHECKOUT, 'src/main.js': "import d from '~duroxide/diagrams/checkout';\nconsole.log(d);\n" });

const EXPECTED = [
  'src/checkout.ts:5: orchestration "Checkout" schedules activity "chargeCrad", which nothing in the project defines (no @activity or registerActivity with that name); did you mean "chargeCard"?',
  'src/checkout.ts:7: orchestration "Checkout" starts sub-orchestration "Refnd", which nothing in the project defines (no @orchestration or registerOrchestration with that name); did you mean "Refund"?',
  'src/checkout.ts:8: orchestration "Checkout" waits for event "managerAproval", which nothing in the project raises; did you mean "managerApproval"?',
];

describe('the name check', () => {
  it('finds unknown activities and sub-orchestrations and near-miss events, with file:line and the closest names', () => {
    const p = new DiagramProject({ cwd: project(), llm: 'off' });
    const { checks, flows } = p.collect(p.listFiles());
    expect(flows.map((f) => f.name)).toEqual(['Checkout']);
    expect(checks.filter((c) => !c.includes('differs on replay'))).toEqual(EXPECTED);
  });

  it('warns about decisions on Math.random(), Date.now() and new Date()', () => {
    const root = project();
    const p = new DiagramProject({ cwd: root, llm: 'off' });
    const replay = p.collect(p.listFiles()).checks.filter((c) => c.includes('differs on replay'));
    expect(replay).toEqual([
      expect.stringMatching(/^src\/checkout\.ts:10: the decision "Math\.random\(\) < 0\.1" depends on Math\.random\(\), which differs on replay.*ctx\.utcNow\(\)/),
      expect.stringMatching(/^src\/checkout\.ts:11: the decision ".*" depends on Date\.now\(\)/),
      expect.stringMatching(/^src\/checkout\.ts:12: the decision ".*" depends on new Date\(\)/),
    ]);
  });

  it('accepts names declared as externalNames (defined in another package or service)', () => {
    const root = project();
    const p = new DiagramProject({ cwd: root, llm: 'off', externalNames: ['chargeCrad', 'Refnd', 'managerAproval'] });
    expect(p.collect(p.listFiles()).checks.filter((c) => !c.includes('differs on replay'))).toEqual([]);
  });
});


describe('the CLI', () => {
  it('prints the findings on stderr; --check --strict exits 1 on them, --check alone does not', async () => {
    const root = project();
    const draw = await cli(root, '--llm', 'off');
    expect(draw.code).toBe(0);
    for (const e of EXPECTED) expect(draw.stderr).toContain(`warning: ${e}\n`);
    expect(draw.stdout).not.toContain('chargeCrad');
    const check = await cli(root, '--check');
    expect(check.code).toBe(0);
    const strict = await cli(root, '--check', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain(`warning: ${EXPECTED[0]}`);
    expect(strict.stderr).toContain('--strict: 6 finding(s)');
    expect((await cli(root, '--llm', 'off', '--strict')).code).toBe(1);
  });
});

it('the bundler plugin reports them through the bundler (Rollup onwarn)', { timeout: 60_000 }, async () => {
  const { rollup } = await import('rollup');
  const root = project();
  const heard: string[] = [];
  const bundle = await rollup({ input: join(root, 'src/main.js'), plugins: [rollupPlugin({ cwd: root, llm: 'off', outputDir: false, dtsFile: false })], onwarn: (w) => void heard.push(w.message) });
  await bundle.close();
  for (const e of EXPECTED) expect(heard.some((h) => h.includes(e))).toBe(true);
});
