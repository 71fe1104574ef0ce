/**
 * Pictures for the hover: each diagram rendered to SVG offline by its format's renderer (mermaid
 * in headless Chromium, DOT with Graphviz, PlantUML with `plantuml`) and shown in the JSDoc as a Markdown image (a `data:` URI, so it needs no file
 * or server). Rendered only when the diagram changed: the SVGs are kept in the committed cache
 * folder with the hash of the text they show. A missing tool means no picture, with a warning.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomic } from './atomic-write.js';
import type { GeneratedDiagram } from './diagram-sourcing.js';
import { formatSpec } from './formats/index.js';

const HASH_COMMENT = /<!-- duroxide:diagram-hash=([0-9a-f]{64}) -->/;
const textHash = (text: string) => createHash('sha256').update(text).digest('hex');

/** SVG markup of a diagram, or null when the renderer its format needs is not installed. */
export function renderSvg(d: GeneratedDiagram): Promise<string | null> {
  return formatSpec(d.format).renderSvg(d.diagram);
}

export class HoverImages {
  constructor(private readonly dir: string) {}

  /** A `data:` URI of the diagram's SVG, rendered when its text changed; undefined without a renderer. */
  async dataUri(d: GeneratedDiagram, warnings: string[]): Promise<string | undefined> {
    const path = join(this.dir, `${d.slug}.${d.format}.svg`);
    const hash = textHash(d.diagram);
    let svg: string | null = null;
    try {
      const stored = readFileSync(path, 'utf8');
      if (HASH_COMMENT.exec(stored)?.[1] === hash) svg = stored;
    } catch {
      // not rendered yet
    }
    if (!svg) {
      let rendered: string | null = null;
      try {
        rendered = await renderSvg(d);
      } catch (e) {
        warnings.push(`${d.name}: the hover picture could not be rendered (${(e as Error).message})`);
        return undefined;
      }
      if (!rendered) {
        warnings.push(`${d.name}: no hover picture: it needs ${formatSpec(d.format).svgRenderer}`);
        return undefined;
      }
      svg = `${rendered.replace(/^<\?xml[^>]*>\s*/, '').trim()}\n<!-- duroxide:diagram-hash=${hash} -->\n`;
      writeAtomic(path, svg);
    }
    return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  }

  /** Removes pictures of orchestrations that are gone. */
  prune(slugs: Set<string>): string[] {
    let files: string[] = [];
    try {
      files = readdirSync(this.dir);
    } catch {
      return [];
    }
    const gone = files.filter((f) => /^[a-z0-9-]+\.[a-z]+\.svg$/.test(f) && !slugs.has(f.split('.')[0]));
    for (const f of gone) rmSync(join(this.dir, f), { force: true });
    return gone;
  }
}
