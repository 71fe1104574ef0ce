import { defineConfig } from 'vite';
import duroxide from '../plugins/vite.js';

// The playground draws three of the repository's fixtures (order saga, fan-out, LLM triage).
const fixtures = ['order-saga.ts', 'fan-out.ts', 'llm-operations.ts'].map((f) => `../fixtures/${f}`);

export default defineConfig({
  root: import.meta.dirname,
  plugins: [
    duroxide({ cwd: import.meta.dirname, include: fixtures, outputDir: false, dtsFile: 'duroxide-diagrams.d.ts', llm: process.env.PLAYGROUND_LLM === 'auto' ? 'auto' : 'off' }),
  ],
  build: { target: 'es2022' },
});
