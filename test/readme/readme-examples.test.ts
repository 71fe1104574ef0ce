/**
 * Every README block marked `<!-- example: NAME -->` runs as written and prints what the
 * README says: the block is saved to a temp dir with the package import pointed at this
 * checkout and run with tsx; it must exit 0, and each `console.log(x); // value` line must
 * print `value` (a JS literal; a bare name in an object, as in `{ input, calls: 3 }`, stands
 * for any value).
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
const MARK = '@@readme-output';

/** Maps `duroxide-llm` and its subpaths to this checkout's sources. */
function pointAtCheckout(code: string): string {
  const entry = (sub: string) => {
    if (!sub) return pathToFileURL(join(root, 'src/index.ts')).href;
    return pathToFileURL(join(root, 'plugins', `${sub.slice(1)}.ts`)).href;
  };
  return code.replace(/from 'duroxide-llm(\/[\w-]+)?'/g, (_m, sub: string | undefined) => `from '${entry(sub ?? '')}'`);
}

const LOG_LINE = /^console\.log\((.*)\);(?:\s*\/\/\s*(.*))?$/;

/** What the README says each console.log prints, in order (null: it says nothing). */
function promised(code: string): (string | null)[] {
  return code.split('\n').flatMap((l) => {
    const m = LOG_LINE.exec(l.trim());
    return m ? [m[2]?.trim() ?? null] : [];
  });
}

/** The example with each top-level console.log printing a marked JSON line the test can read. */
function instrumented(code: string): string {
  let n = 0;
  const body = code
    .split('\n')
    .map((l) => {
      const m = LOG_LINE.exec(l.trim());
      return m ? `console.log('${MARK} ${n++} ' + JSON.stringify(${m[1]}));` : l;
    })
    .join('\n');
  return pointAtCheckout(body);
}

/** Evaluates a README comment such as `{ total: 130, approved: true }` or `['charge']`. */
function expectedValue(comment: string): unknown {
  let literal = comment;
  // A bare name in an object stands for any value: `{ input, calls: 3 }`.
  for (let prev = ''; prev !== literal; ) {
    prev = literal;
    literal = literal.replace(/([{,]\s*)([A-Za-z_$][\w$]*)(\s*[,}])/g, '$1$2: __any$3');
  }
  return new Function('__any', `return (${literal});`)(expect.anything());
}

describe('README examples', () => {
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });
  for (const example of examples) {
    it(`example "${example.name}" runs and prints what the README says`, () => {
      const says = promised(example.code);
      expect(says.length, 'an example should show what it prints').toBeGreaterThan(0);
      expect(says, `every console.log of "${example.name}" should say what it prints (// value)`).not.toContain(null);
      const file = join(dir, `${example.name}.mts`);
      writeFileSync(file, instrumented(example.code));
      const result = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), file], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' },
      });
      expect(result.stderr + result.stdout).not.toMatch(/Error:/);
      expect(result.status).toBe(0);
      const printed = result.stdout
        .split('\n')
        .filter((l) => l.startsWith(`${MARK} `))
        .map((l) => JSON.parse(l.slice(MARK.length + 1).replace(/^\d+ /, '')) as unknown);
      expect(printed).toHaveLength(says.length);
      says.forEach((comment, i) => expect(printed[i], `console.log #${i + 1}: // ${comment}`).toEqual(expectedValue(comment!)));
    });
  }
});
