/**
 * The hover shows a rendered picture as well as the diagram text: an SVG rendered offline
 * (headless Chromium for mermaid, Graphviz for DOT) as a Markdown image in the JSDoc, kept in
 * the cache folder and rendered again only when the diagram changes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { chromiumAvailable, CHROMIUM_PATH } from '../../src/diagram/browser-render.js';
import { generateDiagrams } from '../../src/diagram/generate-diagrams.js';
import { requireTool } from '../support/required-tool.js';
import { makeProject } from './diagram-project.js';
import { hoverDocumentation, languageService } from './language-service.js';

const hasDot = (() => {
  try {
    execFileSync('dot', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The SVG inside the first `![...](data:image/svg+xml;base64,...)` of a text. */
function pictureIn(text: string): string {
  const m = /!\[[^\]]*\]\(data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)\)/.exec(text);
  expect(m, 'a Markdown image with an SVG data URI').not.toBeNull();
  return Buffer.from(m![1], 'base64').toString('utf8');
}

function hoverDocs(root: string): string {
  const files = [join(root, 'src/use.ts'), join(root, 'src/duroxide-diagrams.d.ts')];
  const options = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, types: [] };
  return hoverDocumentation(languageService(root, files, options), files[0], 'orderSaga', 'last');
}

const USE = "import orderSaga from '~duroxide/diagrams/order-saga';\nexport const d: string = orderSaga;\n";

describe('hover pictures', { timeout: 180_000 }, () => {
  it('mermaid: an SVG rendered in headless Chromium, shown on hover beside the text, rendered once', async (ctx) => {
    requireTool(ctx, 'Chromium', chromiumAvailable(), `nothing at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
    const root = makeProject(['order-saga.ts'], { 'src/use.ts': USE });
    const first = await generateDiagrams({ cwd: root, llm: 'off', hoverImages: true }).run();
    expect(first.warnings).toEqual([]);
    const docs = hoverDocs(root);
    expect(docs).toContain('```mermaid');
    const svg = pictureIn(docs);
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('Reserve inventory');
    const stored = join(root, '.duroxide-diagrams/order-saga.mermaid.svg');
    const renderedAt = statSync(stored).mtimeMs;
    await generateDiagrams({ cwd: root, llm: 'off', hoverImages: true }).run();
    expect(statSync(stored).mtimeMs).toBe(renderedAt); // unchanged diagram: not rendered again

    const file = join(root, 'src/order-saga.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("await ctx.scheduleActivity('shipOrder', order.id);", "await ctx.scheduleActivity('shipOrder', order.id);\n    await ctx.scheduleActivity('notifyCustomer', order.id);"));
    await generateDiagrams({ cwd: root, llm: 'off', hoverImages: true }).run();
    expect(pictureIn(readFileSync(join(root, 'src/duroxide-diagrams.d.ts'), 'utf8'))).toContain('notifyCustomer');
  });

  it('DOT: an SVG from Graphviz', async (ctx) => {
    requireTool(ctx, 'Graphviz `dot`', hasDot, 'apt-get install graphviz');
    const root = makeProject(['order-saga.ts'], { 'src/use.ts': USE });
    await generateDiagrams({ cwd: root, llm: 'off', format: 'dot', hoverImages: true }).run();
    const docs = hoverDocs(root);
    expect(docs).toContain('```dot');
    expect(pictureIn(docs)).toContain('Reserve inventory');
  });
});
