import { defineConfig } from 'vite';
import duroxide from '../plugins/vite.js';

// The playground's diagrams come from its own src/; the plugin also lowers the decorators there.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [duroxide({ cwd: import.meta.dirname, include: ['src'], outputDir: false, llm: process.env.PLAYGROUND_LLM === 'auto' ? 'auto' : 'off' })],
  build: { target: 'es2022' },
});
