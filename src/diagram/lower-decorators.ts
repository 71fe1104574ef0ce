/**
 * Vite 8's Oxc leaves TC39 standard decorators untransformed, and Node 20 cannot run them.
 * The plugin lowers them (with esbuild, an optional peer) in the files it handles, following
 * the project's tsconfig: with `experimentalDecorators` it lowers legacy decorators instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

let esbuild: Promise<typeof import('esbuild') | null> | null = null;
const tsconfigCache = new Map<string, Record<string, unknown>>();

/** The decorator-related compiler options of the nearest tsconfig.json (comments allowed). */
export function decoratorOptions(file: string): Record<string, unknown> {
  let dir = dirname(file);
  for (;;) {
    const cached = tsconfigCache.get(dir);
    if (cached) return cached;
    const path = join(dir, 'tsconfig.json');
    if (existsSync(path)) {
      let options: Record<string, unknown> = {};
      try {
        const text = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '').replace(/,(\s*[}\]])/g, '$1');
        const c = (JSON.parse(text) as { compilerOptions?: Record<string, unknown> }).compilerOptions ?? {};
        for (const k of ['experimentalDecorators', 'emitDecoratorMetadata', 'useDefineForClassFields']) if (k in c) options[k] = c[k];
      } catch {
        options = {};
      }
      tsconfigCache.set(dir, options);
      return options;
    }
    const parent = dirname(dir);
    if (parent === dir) return {};
    dir = parent;
  }
}

export async function lowerDecorators(code: string, id: string): Promise<{ code: string; map: string } | null> {
  if (!/^\s*@[A-Za-z_$]/m.test(code)) return null;
  const mod = await (esbuild ??= import('esbuild').catch(() => null));
  if (!mod) return null;
  const file = id.split('?')[0];
  const loader = /\.tsx$/.test(file) ? 'tsx' : /\.[mc]?ts$/.test(file) ? 'ts' : /\.jsx$/.test(file) ? 'jsx' : 'js';
  const out = await mod.transform(code, {
    loader,
    target: 'es2022',
    sourcemap: 'external',
    sourcefile: file,
    format: 'esm',
    tsconfigRaw: { compilerOptions: decoratorOptions(file) },
  });
  return { code: out.code, map: out.map };
}
