/**
 * The plugin as users load it: `duroxide-llm/eslint` in package.json exports, its flat
 * `recommended` config, and this repository's own eslint.config.js applying it to playground/.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin, { recommended } from '../../plugins/eslint.js';

const root = resolve(import.meta.dirname, '../..');

describe('duroxide-llm/eslint', () => {
  it('is exported from the package, built next to the other plugin entries', () => {
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
    expect(pkg.exports['./eslint']).toEqual({ types: './dist/plugins/eslint.d.ts', default: './dist/plugins/eslint.js' });
    expect(pkg.peerDependenciesMeta.eslint).toEqual({ optional: true });
  });

  it('recommended is a flat config that turns every rule on', async () => {
    expect(plugin.configs.recommended).toBe(recommended);
    expect(Object.keys(recommended.rules ?? {}).sort()).toEqual(Object.keys(plugin.rules).map((r) => `duroxide-llm/${r}`).sort());
    const eslint = new ESLint({ overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, recommended] });
    const [result] = await eslint.lintText(
      `import { Runtime } from 'duroxide-llm';\ndeclare const runtime: Runtime;\nruntime.registerOrchestration('o', async (ctx) => {\n  if (Math.random() > 0.5) await fetch('https://example.com');\n});\n`,
      { filePath: 'flow.ts' },
    );
    expect(result.messages.map((m) => m.ruleId)).toEqual(['duroxide-llm/no-nondeterminism', 'duroxide-llm/await-durable-only', 'duroxide-llm/no-io']);
  });

  it("this repository's eslint.config.js applies it to the playground examples, which pass", async () => {
    const eslint = new ESLint({ cwd: root });
    const [bad] = await eslint.lintText(`import { Runtime } from '../../src/index.js';\ndeclare const runtime: Runtime;\nruntime.registerOrchestration('o', async (ctx) => ({ at: Date.now(), recorded: ctx.utcNow() }));\n`, {
      filePath: resolve(root, 'playground/agent/not-a-file.ts'),
    });
    expect(bad.messages.map((m) => m.ruleId)).toEqual(['duroxide-llm/no-nondeterminism']);
    expect(bad.messages[0].message).toContain('ctx.utcNow()');
    const results = await eslint.lintFiles(['playground/**/*.ts']);
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line} ${m.message}`))).toEqual([]);
  });
});
