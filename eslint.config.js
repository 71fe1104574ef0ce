import tseslint from 'typescript-eslint';
import { tsImport } from 'tsx/esm/api';

// The package's own orchestration rules, loaded from source (no build needed to lint).
const { recommended: duroxide } = await tsImport('./plugins/eslint.ts', import.meta.url);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'fixtures/**', 'playground/dist/**', '**/.tmp/**', 'test/**/projects/**', '**/duroxide-diagrams*.d.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // The examples use the rules users get from duroxide-llm/eslint.
  { ...duroxide, files: ['playground/**/*.ts'] },
);
