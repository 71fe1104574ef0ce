/** The README's first command runs `npm run demo`: it must finish unattended, printing the history. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';

it('the demo runs the order workflow to completion on SQLite with the mock LLM', () => {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), resolve(import.meta.dirname, '../../playground/demo.ts')], {
    cwd: tempDir('duroxide-demo-'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
  });
  expect(result.status).toBe(0);
  expect(Date.now() - started).toBeLessThan(60_000);
  expect(result.stdout).toContain('LLM provider: scripted mock');
  expect(result.stdout).toContain('LlmCompleted');
  expect(result.stdout).toContain('raiseEvent("approval"');
  expect(result.stdout).toContain('TimerFired');
  expect(result.stdout).toMatch(/result \(Completed\): .*"status":"shipped","priority":"urgent"/);
});
