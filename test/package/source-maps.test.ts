/**
 * The source maps the package ships lead to sources that ship with it: a debugger or a stack
 * trace in a user's project opens the TypeScript file, not a missing path.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The files `npm pack` would put in the tarball (no build: lifecycle scripts are skipped). */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((f) => f.path));
}

/** Package-relative paths of the sources a map at package-relative `mapPath` names. */
function sourcesOf(mapPath: string, map: { sources: string[]; sourceRoot?: string }, base: string): string[] {
  return map.sources.map((s) => relative(base, resolve(base, dirname(mapPath), map.sourceRoot ?? '', s)).split('\\').join('/'));
}

describe('shipped source maps', () => {
  const files = packedFiles();

  it('a map emitted with the build settings names sources that are in the tarball', () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    expect(config.options.sourceMap).toBe(true);
    // Emitted into memory (the write callback), at the paths a build would write.
    const program = ts.createProgram({ rootNames: [join(root, 'src/duroxide-error.ts'), join(root, 'plugins/eslint.ts')], options: { ...config.options, noEmit: false, declaration: false } });
    const emitted: string[] = [];
    program.emit(undefined, (name, text) => name.endsWith('.js.map') && emitted.push(`${relative(root, name)}\n${text}`));
    expect(emitted.length).toBeGreaterThanOrEqual(2);
    for (const entry of emitted) {
      const [mapPath, text] = [entry.slice(0, entry.indexOf('\n')), entry.slice(entry.indexOf('\n') + 1)];
      for (const source of sourcesOf(mapPath, JSON.parse(text), root)) {
        expect(files, `${mapPath} names ${source}`).toContain(source);
        expect(existsSync(join(root, source))).toBe(true);
      }
    }
  });

  it('every built .js.map in the tarball resolves to a packed file', () => {
    const maps = [...files].filter((f) => f.endsWith('.js.map') && existsSync(join(root, f)) && !f.startsWith('dist/console-ui/'));
    if (maps.length === 0) return; // not built yet: the test above covers the settings
    const missing = maps.flatMap((m) =>
      sourcesOf(m, JSON.parse(readFileSync(join(root, m), 'utf8')), root)
        // A map whose source is gone from the checkout is a stale leftover of an older build.
        .filter((s) => existsSync(join(root, s)) && !files.has(s))
        .map((s) => `${m} -> ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('tests are not shipped with the sources', () => {
    expect([...files].filter((f) => f.endsWith('.test.ts') || f.startsWith('test/'))).toEqual([]);
  });
});
