/**
 * Vite 8's Oxc leaves TC39 standard decorators untransformed, and Node 20 cannot run them.
 * The plugin lowers them (with esbuild, an optional peer) in the files that have them, following
 * the project's tsconfig: with `experimentalDecorators` it lowers legacy decorators instead, or
 * leaves them to a bundler that lowers those itself (Vite 8's Oxc does).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuroxideError } from '../duroxide-error.js';

type Esbuild = Pick<typeof import('esbuild'), 'transform'>;
/** Loads esbuild; rejects when it is not installed. */
export type EsbuildLoader = () => Promise<Esbuild>;

/**
 * A file has decorators to lower and esbuild cannot be loaded. Left as they are, the decorators
 * would reach the output and fail at run time with a SyntaxError, so the build stops instead.
 */
export class DecoratorLoweringError extends DuroxideError {}

/** A line that starts with a decorator: the files worth lowering (a bundler hook filter too). */
export const DECORATOR_LINE = /^\s*@[A-Za-z_$]/m;

const defaultLoader: EsbuildLoader = () => import('esbuild');
const loaded = new Map<EsbuildLoader, Promise<Esbuild>>();
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

export interface LoweringOptions {
  load?: EsbuildLoader;
  /** The bundler lowers legacy decorators itself following the same tsconfig (Vite 8's Oxc): leave those files alone. */
  nativeLegacy?: boolean;
}

export async function lowerDecorators(code: string, id: string, opts: LoweringOptions = {}): Promise<{ code: string; map: string } | null> {
  if (!DECORATOR_LINE.test(code)) return null;
  const file = id.split('?')[0];
  if (opts.nativeLegacy && decoratorOptions(file).experimentalDecorators === true) return null;
  const mod = await loadEsbuild(opts.load ?? defaultLoader, file);
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

async function loadEsbuild(load: EsbuildLoader, file: string): Promise<Esbuild> {
  let pending = loaded.get(load);
  if (!pending) loaded.set(load, (pending = load()));
  try {
    return await pending;
  } catch (err) {
    loaded.delete(load);
    throw new DecoratorLoweringError(
      `${file} has decorators, and lowering them needs esbuild, which could not be loaded (${(err as Error).message.split('\n')[0]}). ` +
        'Without it they would stay in the output and fail at run time with a SyntaxError (Vite 8 no longer brings esbuild). ' +
        'Install it: npm install -D esbuild (or pass lowerDecorators: false when your runtime runs decorators as written).',
      { cause: err },
    );
  }
}
