/**
 * Every README block marked `<!-- example: NAME -->` runs as written: the block is saved to a
 * temp dir with the package import pointed at this checkout, run with tsx, and must exit 0.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/temp-paths.js';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/<!-- example: ([\w-]+) -->\s*```ts\n([\s\S]*?)```/g)].map((m) => ({ name: m[1], code: m[2] }));
const dir = tempDir('duroxide-readme-');

/** Maps `duroxide-llm` and its subpaths to this checkout's sources. */
function pointAtCheckout(code: string): string {
  const entry = (sub: string) => {
    if (!sub) return pathToFileURL(join(root, 'src/index.ts')).href;
    return pathToFileURL(join(root, 'plugins', `${sub.slice(1)}.ts`)).href;
  };
  return code.replace(/from 'duroxide-llm(\/[\w-]+)?'/g, (_m, sub: string | undefined) => `from '${entry(sub ?? '')}'`);
}

describe('README examples', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });
  for (const example of examples) {
    it(`example "${example.name}" runs`, () => {
      const file = join(dir, `${example.name}.mts`);
      writeFileSync(file, pointAtCheckout(example.code));
      const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), file], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
      });
      expect(result.stderr + result.stdout).not.toMatch(/Error:/);
      expect(result.status).toBe(0);
    });
  }
});
