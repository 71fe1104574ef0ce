/** `--preview`: writes SVG and PNG next to the diagram files when Chromium (or Graphviz) is there. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromiumAvailable, CHROMIUM_PATH, renderDotSvg, renderMermaidInBrowser } from '../diagram/browser-render.js';
import type { GeneratedDiagram } from '../diagram/generate-diagrams.js';

export async function previewDiagram(d: GeneratedDiagram, dir: string): Promise<{ ok: boolean; message: string }> {
  mkdirSync(resolve(dir), { recursive: true });
  const base = join(resolve(dir), d.slug);
  if (d.format === 'dot') {
    const svg = renderDotSvg(d.diagram);
    if (!svg) return { ok: false, message: `${d.name}: Graphviz "dot" is not installed (apt-get install graphviz); the DOT text follows:` };
    writeFileSync(`${base}.svg`, svg);
    return { ok: true, message: `${d.name}: ${base}.svg` };
  }
  if (d.format === 'plantuml') return { ok: false, message: `${d.name}: render PlantUML with plantuml.jar or a PlantUML server; the text follows:` };
  if (!chromiumAvailable()) {
    return { ok: false, message: `${d.name}: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH) for a picture; the diagram text follows:` };
  }
  const { svg, png } = await renderMermaidInBrowser(d.diagram);
  writeFileSync(`${base}.svg`, svg);
  writeFileSync(`${base}.png`, png);
  return { ok: true, message: `${d.name}: ${base}.svg, ${base}.png` };
}
