/** The README's agent example (`npm run demo:agent`) runs to completion with the scripted planner. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';

it('the VM-remediation example fixes the high CPU with the scripted planner', () => {
  const script = resolve(import.meta.dirname, '../../playground/agent/vm-remediation.ts');
  const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), script], {
    cwd: tempDir('duroxide-agent-example-'),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toContain('planning with scripted mock plans');
  expect(result.stdout).toContain('approval requested for restart_vm (reboot-1): approving');
  expect(result.stdout).toMatch(/completed after 5 iterations/);
});
