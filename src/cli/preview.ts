/**
 * `--preview`: writes an SVG and a PNG of each diagram next to the diagram files. Mermaid is
 * rendered in headless Chromium (playwright-core and mermaid's browser bundle, optional peers),
 * DOT by Graphviz (`dot -Tsvg`, `dot -Tpng`), PlantUML by `plantuml` (SVG).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { writeAtomic } from '../diagram/atomic-write.js';
import { missingForBrowserRender, renderMermaidInBrowser } from '../diagram/browser-render.js';
import { formatSpec } from '../diagram/formats/index.js';
import type { GeneratedDiagram } from '../diagram/generate-diagrams.js';

export interface PreviewOptions {
  /** Resolves a package file (for tests: a project where a peer is missing). */
  resolve?: (id: string) => string;
}

export async function previewDiagram(d: GeneratedDiagram, dir: string, opts: PreviewOptions = {}): Promise<{ ok: boolean; message: string }> {
  const base = join(resolve(dir), d.slug);
  if (d.format === 'mermaid' || d.format === 'sequence') {
    const missing = missingForBrowserRender(opts.resolve);
    if (missing.length) {
      const pkgs = ['playwright-core', 'mermaid'].filter((p) => missing.some((m) => m.startsWith(p)));
      const install = pkgs.length ? ` (npm install -D ${pkgs.join(' ')})` : '';
      return { ok: false, message: `${d.name}: a picture needs ${missing.join('; ')}${install}; the diagram text follows:` };
    }
    const { svg, png } = await renderMermaidInBrowser(d.diagram);
    writeAtomic(`${base}.svg`, svg);
    writeAtomic(`${base}.png`, png);
    return { ok: true, message: `${d.name}: ${base}.svg, ${base}.png` };
  }
  const spec = formatSpec(d.format);
  const svg = await spec.renderSvg(d.diagram);
  if (!svg) return { ok: false, message: `${d.name}: a picture needs ${spec.svgRenderer}; the diagram text follows:` };
  writeAtomic(`${base}.svg`, svg);
  if (d.format !== 'dot') return { ok: true, message: `${d.name}: ${base}.svg` };
  const png = spawnSync('dot', ['-Tpng'], { input: d.diagram, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
  if (png.status !== 0) return { ok: false, message: `${d.name}: ${base}.svg; dot -Tpng failed: ${png.stderr.toString().trim()}` };
  writeAtomic(`${base}.png`, png.stdout);
  return { ok: true, message: `${d.name}: ${base}.svg, ${base}.png` };
}
