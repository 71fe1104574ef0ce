/** `--preview`: writes SVG (and PNG for mermaid) next to the diagram files when the renderer is installed. */
import { resolve, join } from 'node:path';
import { writeAtomic } from '../diagram/atomic-write.js';
import { chromiumAvailable, CHROMIUM_PATH, renderMermaidInBrowser } from '../diagram/browser-render.js';
import type { GeneratedDiagram } from '../diagram/generate-diagrams.js';
import { renderSvg } from '../diagram/hover-images.js';

const NEEDS: Record<string, string> = {
  dot: 'Graphviz "dot" is not installed (apt-get install graphviz)',
  plantuml: 'PlantUML is not installed (apt-get install plantuml)',
};

export async function previewDiagram(d: GeneratedDiagram, dir: string): Promise<{ ok: boolean; message: string }> {
  const base = join(resolve(dir), d.slug);
  const mermaid = d.format === 'mermaid' || d.format === 'sequence';
  if (mermaid && chromiumAvailable()) {
    const { svg, png } = await renderMermaidInBrowser(d.diagram);
    writeAtomic(`${base}.svg`, svg);
    writeAtomic(`${base}.png`, png);
    return { ok: true, message: `${d.name}: ${base}.svg, ${base}.png` };
  }
  const svg = mermaid ? null : await renderSvg(d);
  if (!svg) {
    const why = NEEDS[d.format] ?? `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH) for a picture`;
    return { ok: false, message: `${d.name}: ${why}; the diagram text follows:` };
  }
  writeAtomic(`${base}.svg`, svg);
  return { ok: true, message: `${d.name}: ${base}.svg` };
}
