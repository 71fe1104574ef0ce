/**
 * `duroxide-llm/eslint`: lint rules for orchestration code (flat config).
 *
 *   import duroxide from 'duroxide-llm/eslint';
 *   export default [duroxide.configs.recommended];
 *
 * The rules look only inside orchestration functions (the methods of an `@orchestration` class,
 * functions given to `registerOrchestration`), so activities and other code may do I/O.
 */
import type { ESLint, Linter, Rule } from 'eslint';
import { awaitDurableOnly } from './eslint-rules/await-durable-only.js';
import { noIo } from './eslint-rules/no-io.js';
import { noNondeterminism } from './eslint-rules/no-nondeterminism.js';

export const rules: Record<string, Rule.RuleModule> = {
  'no-nondeterminism': noNondeterminism,
  'no-io': noIo,
  'await-durable-only': awaitDurableOnly,
};

const plugin = { meta: { name: 'duroxide-llm' }, rules, configs: {} as Record<string, Linter.Config> } satisfies ESLint.Plugin;

/** Every rule as an error, for all linted files (the rules find orchestration code themselves). */
export const recommended: Linter.Config = {
  name: 'duroxide-llm/recommended',
  plugins: { 'duroxide-llm': plugin },
  rules: {
    'duroxide-llm/no-nondeterminism': 'error',
    'duroxide-llm/no-io': 'error',
    'duroxide-llm/await-durable-only': 'error',
  },
};
plugin.configs.recommended = recommended;

export default plugin;
