/**
 * Vite 8's Oxc leaves TC39 standard decorators untransformed, and Node 20 cannot run them.
 * The plugin lowers them (with esbuild, an optional peer) in the files it handles.
 */
let esbuild: Promise<typeof import('esbuild') | null> | null = null;

export async function lowerDecorators(code: string, id: string): Promise<{ code: string; map: string } | null> {
  if (!/^\s*@[A-Za-z_$]/m.test(code)) return null;
  const mod = await (esbuild ??= import('esbuild').catch(() => null));
  if (!mod) return null;
  const loader = /\.tsx$/.test(id) ? 'tsx' : /\.[mc]?ts$/.test(id) ? 'ts' : /\.jsx$/.test(id) ? 'jsx' : 'js';
  const out = await mod.transform(code, { loader, target: 'es2022', sourcemap: 'external', sourcefile: id, format: 'esm' });
  return { code: out.code, map: out.map };
}
