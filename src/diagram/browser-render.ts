/**
 * Renders mermaid to SVG and PNG in headless Chromium (Debian's `chromium`) through
 * playwright-core; both are optional. (Each format's SVG renderer is in formats/.)
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export interface RenderedImage {
  svg: string;
  png: Buffer;
}

/** Renders mermaid text in Chromium; returns the SVG markup and a PNG screenshot of it. */
export async function renderMermaidInBrowser(text: string): Promise<RenderedImage> {
  const require = createRequire(import.meta.url);
  const { chromium } = (await import('playwright-core')) as typeof import('playwright-core');
  const mermaidScript = require.resolve('mermaid/dist/mermaid.min.js');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, deviceScaleFactor: 2 });
    await page.setContent('<!doctype html><html><body style="margin:0;background:white"><div id="out"></div></body></html>');
    await page.addScriptTag({ path: mermaidScript });
    const svg = await page.evaluate(async (src) => {
      const m = (window as unknown as { mermaid: { initialize(o: object): void; render(id: string, t: string): Promise<{ svg: string }> } }).mermaid;
      m.initialize({ startOnLoad: false, theme: 'default' });
      const { svg } = await m.render('diagram', src);
      document.getElementById('out')!.innerHTML = svg;
      return svg;
    }, text);
    const png = await page.locator('#out svg').screenshot();
    return { svg, png };
  } finally {
    await browser.close();
  }
}
