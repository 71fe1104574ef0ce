/**
 * The ESLint plugin's rules on orchestration code, with ESLint's RuleTester: what each reports
 * (and the ctx alternative its message names), and that activities and other code are left alone.
 */
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import { rules } from '../../plugins/eslint.js';

(RuleTester as unknown as { afterAll: unknown }).afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' } });

/** `body` as the body of an orchestration class's run method, of a registered function, and of one registered by name. */
const inOrchestration = (body: string) => [
  `@orchestration({ name: 'o' })\nclass O {\n  async run(ctx: OrchestrationContext, input: unknown) {\n${body}\n  }\n}`,
  `runtime.registerOrchestration('o', async (ctx, input) => {\n${body}\n});`,
  `async function flow(c, input) {\n${body.replace(/\bctx\b/g, 'c')}\n}\nregisterOrchestration('o', flow);`,
];
const everywhere = (body: string, errors: ({ message: string } | { messageId: string })[]) => inOrchestration(body).map((code) => ({ code, errors }));

describe('duroxide-llm/no-nondeterminism', () => {
  tester.run('no-nondeterminism', rules['no-nondeterminism'], {
    valid: [
      ...inOrchestration('const now = ctx.utcNow(); const id = ctx.newGuid(); const d = new Date(ctx.utcNow()); const env = process.env.REGION;'),
      // Outside orchestrations (activities, scripts) clocks and randomness are fine.
      `const started = Date.now(); const r = Math.random();`,
      `class Tools {\n  @activity({ name: 'stamp' })\n  async stamp() { return { at: Date.now(), id: crypto.randomUUID() }; }\n}`,
      `@orchestration('O')\nclass O {\n  async run(ctx) { return ctx.utcNow(); }\n  @activity('Stamp')\n  async stamp() { return Date.now(); }\n}`,
      `runtime.registerActivity('stamp', async () => Date.now());`,
      // A local named Date is not the global clock.
      `registerOrchestration('o', async (ctx) => { const Date = { now: () => ctx.utcNow() }; return Date.now(); });`,
    ],
    invalid: [
      ...everywhere('const t = Date.now();', [{ message: 'Date.now() returns a different time on every replay of this orchestration. Use ctx.utcNow() (the recorded time, in ms).' }]),
      ...everywhere('const d = new Date();', [{ message: 'new Date() without arguments reads the clock, which differs on every replay. Use new Date(ctx.utcNow()).' }]),
      ...everywhere('const r = Math.random();', [
        { message: 'Math.random() gives another value on every replay of this orchestration. Use ctx.newGuid() for a replay-safe unique value, or draw the random value in an activity (ctx.scheduleActivity).' },
      ]),
      ...everywhere('const id = crypto.randomUUID();', [{ message: 'crypto.randomUUID() gives another id on every replay of this orchestration. Use ctx.newGuid().' }]),
      ...everywhere('const t = performance.now();', [{ message: 'performance.now() differs on every replay of this orchestration. Use ctx.utcNow() for time in orchestration code.' }]),
      {
        code: `import { randomUUID } from 'node:crypto';\nregisterOrchestration('o', async (ctx) => ({ id: randomUUID(), t: globalThis.crypto.randomUUID() }));`,
        errors: [{ message: 'randomUUID() gives another id on every replay of this orchestration. Use ctx.newGuid().' }, { messageId: 'randomUUID' }],
      },
      // Nested code (a ctx.task body, a callback) and helper methods of the class count too.
      {
        code: `@orchestration({})\nclass O {\n  async run(ctx) { return ctx.task(async () => [1].map(() => Date.now())); }\n  private pick(ctx) { return Math.random() > 0.5; }\n}`,
        errors: [{ messageId: 'dateNow' }, { messageId: 'mathRandom' }],
      },
    ],
  });
});

describe('duroxide-llm/no-io', () => {
  tester.run('no-io', rules['no-io'], {
    valid: [
      ...inOrchestration('const region = process.env.REGION; await ctx.scheduleTimer(1000); return ctx.scheduleActivity("fetchPage", { url: "https://example.com" });'),
      `import { readFileSync } from 'node:fs';\nconst config = readFileSync('x.json', 'utf8');\nruntime.registerActivity('fetchPage', async (_a, { url }) => (await fetch(url)).text());`,
      `import * as fs from 'node:fs';\nclass Files {\n  @activity({ name: 'read' })\n  async read(_a, p) { return fs.readFileSync(p, 'utf8'); }\n}`,
    ],
    invalid: [
      ...everywhere('const page = await fetch("https://example.com");', [
        { message: 'fetch() in orchestration code runs again on every replay and its answer is not recorded. Call it from an activity: ctx.scheduleActivity(name, input).' },
      ]),
      ...everywhere('setTimeout(() => {}, 1000);', [{ message: 'setTimeout() is not durable: it is lost on a restart and re-armed on every replay. Use await ctx.scheduleTimer(ms).' }]),
      ...everywhere('setInterval(() => {}, 10); globalThis.setImmediate(() => {});', [{ messageId: 'timer' }, { messageId: 'timer' }]),
      {
        code: `import * as fs from 'node:fs';\nimport { readFile } from 'fs/promises';\nimport http from 'node:http';\nregisterOrchestration('o', async (ctx) => {\n  fs.writeFileSync('a', 'b');\n  await readFile('x');\n  http.get('http://example.com');\n});`,
        errors: [
          { message: "fs.writeFileSync() does I/O (node:fs) in orchestration code, which runs again on every replay. Do it in an activity: ctx.scheduleActivity(name, input)." },
          { message: "readFile() does I/O (fs/promises) in orchestration code, which runs again on every replay. Do it in an activity: ctx.scheduleActivity(name, input)." },
          { messageId: 'module' },
        ],
      },
      {
        code: `const fs = require('fs');\nregisterOrchestration('o', async (ctx) => { fs.promises.readFile('x'); });`,
        errors: [{ messageId: 'module' }],
      },
    ],
  });
});

describe('duroxide-llm/await-durable-only', () => {
  tester.run('await-durable-only', rules['await-durable-only'], {
    valid: [
      ...inOrchestration(
        [
          'const a = await ctx.scheduleActivity("charge", input);',
          'const t = ctx.scheduleTimer(1000);',
          'await t;',
          'const both = await ctx.all([ctx.scheduleActivity("a"), ctx.scheduleActivity("b")]);',
          'const first = await ctx.race(ctx.waitForEvent("approval"), ctx.scheduleTimer(60000));',
          'const label = await ctx.classify("text", ["x", "y"]);',
          'const r = await ctx.task(async () => await ctx.generate("hi"));',
          'const v = await (input ? ctx.scheduleActivity("a") : ctx.scheduleActivity("b"));',
          'const x = (await ctx.scheduleActivity("c")) as string;',
          'await step(ctx, input);',
        ].join('\n'),
      ),
      `@orchestration({})\nclass O {\n  async run(ctx, input) { return await this.charge(ctx, input); }\n  async charge(ctx, input) { return await ctx.scheduleActivity('charge', input); }\n}`,
      // Awaits outside orchestrations are none of this rule's business.
      `async function main() { await fetch('x'); await Promise.all([]); }`,
      `runtime.registerActivity('slow', async () => { await new Promise((r) => setTimeout(r, 10)); });`,
    ],
    invalid: [
      ...everywhere('await new Promise((r) => r(1));', [
        {
          message:
            'await new Promise((r) => r(1)): orchestration code may only await durable tasks — ctx.scheduleActivity(...), ctx.scheduleTimer(ms), ctx.waitForEvent(...), an LLM operation such as ctx.generate(...), ctx.all/race/task — or this.helper(...). Move this work into an activity and await ctx.scheduleActivity(name, input).',
        },
      ]),
      ...everywhere('const page = await fetchPage(input);', [{ messageId: 'notDurable' }]),
      ...everywhere('const rows = await db.query("select 1");', [{ messageId: 'notDurable' }]),
      ...everywhere('const p = loadSomething(); await p;', [{ messageId: 'notDurable' }]),
      ...everywhere('await Promise.all([ctx.scheduleActivity("a"), ctx.scheduleActivity("b")]);', [
        { message: 'await Promise.all(...) in orchestration code: use ctx.all(...), which decides the same way on every replay.' },
      ]),
      ...everywhere('await Promise.race([ctx.scheduleTimer(1), ctx.waitForEvent("e")]);', [
        { message: 'await Promise.race(...) in orchestration code: use ctx.race(...), which decides the same way on every replay.' },
      ]),
    ],
  });
});
