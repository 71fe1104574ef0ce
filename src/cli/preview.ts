/** `--preview`: writes SVG (and PNG for mermaid) next to the diagram files when the renderer is installed. */
import { resolve, join } from 'node:path';
import { writeAtomic } from '../diagram/atomic-write.js';
import { chromiumAvailable, renderMermaidInBrowser } from '../diagram/browser-render.js';
import { formatSpec } from '../diagram/formats/index.js';
import type { GeneratedDiagram } from '../diagram/generate-diagrams.js';

export async function previewDiagram(d: GeneratedDiagram, dir: string): Promise<{ ok: boolean; message: string }> {
  const base = join(resolve(dir), d.slug);
  const mermaid = d.format === 'mermaid' || d.format === 'sequence';
  if (mermaid && chromiumAvailable()) {
    const { svg, png } = await renderMermaidInBrowser(d.diagram);
    writeAtomic(`${base}.svg`, svg);
    writeAtomic(`${base}.png`, png);
    return { ok: true, message: `${d.name}: ${base}.svg, ${base}.png` };
  }
  const spec = formatSpec(d.format);
  const svg = mermaid ? null : await spec.renderSvg(d.diagram);
  if (!svg) return { ok: false, message: `${d.name}: a picture needs ${spec.svgRenderer}; the diagram text follows:` };
  writeAtomic(`${base}.svg`, svg);
  return { ok: true, message: `${d.name}: ${base}.svg` };
}
