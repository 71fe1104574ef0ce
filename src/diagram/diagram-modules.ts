/** The importable diagram modules: ids, and the code each one exports. */
import type { GeneratedDiagram } from './generate-diagrams.js';

const PREFIX = '~duroxide/diagrams';
const VIRTUAL = 'virtual:duroxide/diagrams';

/** `~duroxide/diagrams[/<slug>]` or `virtual:duroxide/diagrams[/<slug>]` (with an optional `.js`). */
export function parseDiagramId(id: string): { slug: string | null; scheme: 'tilde' | 'virtual'; canonicalId: string } | null {
  const clean = id.replace(/^\0/, '').replace(/^.*node_modules[\\/]\.virtual[\\/]/, '').split('?')[0].replace(/\.js$/, '');
  for (const [prefix, scheme] of [[PREFIX, 'tilde'], [VIRTUAL, 'virtual']] as const) {
    if (clean === prefix) return { slug: null, scheme, canonicalId: `${PREFIX}.js` };
    if (clean.startsWith(`${prefix}/`)) {
      const slug = clean.slice(prefix.length + 1);
      if (/^[a-z0-9-]+$/.test(slug)) return { slug, scheme, canonicalId: `${PREFIX}/${slug}.js` };
    }
  }
  return null;
}

export function diagramModuleCode(d: GeneratedDiagram | undefined, slug: string): string {
  return [
    `export default ${JSON.stringify(d?.diagram ?? '')};`,
    `export const title = ${JSON.stringify(d?.title ?? d?.name ?? slug)};`,
    `export const format = ${JSON.stringify(d?.format ?? 'mermaid')};`,
    `export const name = ${JSON.stringify(d?.name ?? slug)};`,
  ].join('\n');
}

export function diagramsIndexCode(diagrams: GeneratedDiagram[]): string {
  const obj = Object.fromEntries(diagrams.map((d) => [d.name, d.diagram]));
  return `export default ${JSON.stringify(obj, null, 2)};\n`;
}
