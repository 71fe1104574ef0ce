/**
 * The importable diagram modules: ids, what each one exports, and the code. The generated
 * `.d.ts` declares the same export list, so every named export type-checks.
 */
import type { GeneratedDiagram } from './diagram-sourcing.js';

const PREFIX = '~duroxide/diagrams';
const VIRTUAL = 'virtual:duroxide/diagrams';
export const MODULE_PREFIXES = [PREFIX, VIRTUAL] as const;

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

export interface ModuleExport {
  /** `default` or the export's name. */
  name: string;
  value: unknown;
  /** Its TypeScript type, for the generated `.d.ts`. */
  type: string;
}

/** The exports of `~duroxide/diagrams/<slug>`: `renderings` holds every format drawn, the first is the default. */
export function moduleExports(renderings: GeneratedDiagram[], slug: string): ModuleExport[] {
  const d = renderings[0];
  const all = Object.fromEntries(renderings.map((r) => [r.format, r.diagram]));
  const formats = renderings.map((r) => r.format);
  return [
    { name: 'default', value: d?.diagram ?? '', type: 'string' },
    { name: 'title', value: d?.title ?? d?.name ?? slug, type: 'string' },
    { name: 'format', value: d?.format ?? 'mermaid', type: d ? JSON.stringify(d.format) : 'string' },
    { name: 'name', value: d?.name ?? slug, type: 'string' },
    { name: 'irHash', value: d?.irHash ?? '', type: 'string' },
    { name: 'diagrams', value: all, type: `{ ${formats.map((f) => `readonly ${JSON.stringify(f)}: string;`).join(' ')} }`.replace('{  }', 'Record<string, string>') },
    // What a runtime records for the operations console: registerOrchestration(name, fn, { diagram: handover }).
    {
      name: 'handover',
      value: { graph: d?.graph ?? { nodes: [], edges: [] }, file: d?.file ?? '', ...(all.mermaid ? { mermaid: all.mermaid } : {}) },
      type: '{ readonly graph: { nodes: unknown[]; edges: unknown[] }; readonly file: string; readonly mermaid?: string }',
    },
  ];
}

export function diagramModuleCode(renderings: GeneratedDiagram[], slug: string): string {
  return moduleExports(renderings, slug)
    .map((e) => (e.name === 'default' ? `export default ${JSON.stringify(e.value)};` : `export const ${e.name} = ${JSON.stringify(e.value)};`))
    .join('\n');
}

/** A run's renderings by module slug, the primary format first (two orchestrations of one name share a slug). */
export function renderingsBySlug(renderings: GeneratedDiagram[]): Map<string, GeneratedDiagram[]> {
  const bySlug = new Map<string, GeneratedDiagram[]>();
  for (const d of renderings) bySlug.set(d.slug, [...(bySlug.get(d.slug) ?? []), d]);
  return bySlug;
}

/**
 * Data for the index module as a JSON string: a bundler parses one string token far faster than
 * an object literal of thousands of nodes (so does V8), and the pure mark lets it drop an
 * export nobody imports.
 */
const jsonValue = (value: unknown) => `/* @__PURE__ */ JSON.parse(${JSON.stringify(JSON.stringify(value))})`;

export function diagramsIndexCode(diagrams: GeneratedDiagram[]): string {
  const obj = Object.fromEntries(diagrams.map((d) => [d.name, d.diagram]));
  // Every orchestration's hand-over, for new Runtime({ diagrams: handovers }).
  const handovers = Object.fromEntries(diagrams.map((d) => [d.name, { graph: d.graph ?? { nodes: [], edges: [] }, file: d.file, ...(d.format === 'mermaid' ? { mermaid: d.diagram } : {}) }]));
  return `export default ${jsonValue(obj)};\nexport const handovers = ${jsonValue(handovers)};\n`;
}
