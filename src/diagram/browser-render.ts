/**
 * Renders mermaid to SVG and PNG in headless Chromium (Debian's `chromium`) through
 * playwright-core and mermaid's browser bundle; all three are optional. (Each format's SVG
 * renderer is in formats/.)
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DuroxideError } from '../duroxide-error.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** A mermaid picture was asked for and a piece it needs is not installed; the message names them. */
export class BrowserRenderUnavailableError extends DuroxideError {}

/** The optional peers a mermaid picture needs, and the file of each that is loaded. */
const BROWSER_PEERS = [
  { pkg: 'playwright-core', entry: 'playwright-core' },
  { pkg: 'mermaid', entry: 'mermaid/dist/mermaid.min.js' },
] as const;

type Resolve = (id: string) => string;
const ownResolve: Resolve = (id) => createRequire(import.meta.url).resolve(id);

/** What a mermaid picture needs that is missing (packages, then Chromium); empty when all is there. */
export function missingForBrowserRender(resolve: Resolve = ownResolve): string[] {
  const missing: string[] = BROWSER_PEERS.filter(({ entry }) => {
    try {
      resolve(entry);
      return false;
    } catch {
      return true;
    }
  }).map(({ pkg, entry }) => (pkg === entry ? pkg : `${pkg} (its browser bundle ${entry})`));
  if (!chromiumAvailable()) missing.push(`Chromium (nothing at ${CHROMIUM_PATH}: apt-get install chromium, or set CHROMIUM_PATH)`);
  return missing;
}

/** Throws BrowserRenderUnavailableError naming what to install, when a piece is missing. */
export function assertBrowserRender(resolve: Resolve = ownResolve): void {
  const missing = missingForBrowserRender(resolve);
  if (!missing.length) return;
  const pkgs = BROWSER_PEERS.filter(({ entry }) => missing.some((m) => m.startsWith(entry.split('/')[0]))).map((p) => p.pkg);
  const install = pkgs.length ? ` Install the optional peers: npm install -D ${pkgs.join(' ')}.` : '';
  throw new BrowserRenderUnavailableError(`A mermaid picture (SVG, PNG) is rendered in headless Chromium, and this is missing: ${missing.join('; ')}.${install}`);
}

export interface RenderedImage {
  svg: string;
  png: Buffer;
}

/** Renders mermaid text in Chromium; returns the SVG markup and a PNG screenshot of it. */
export async function renderMermaidInBrowser(text: string): Promise<RenderedImage> {
  assertBrowserRender();
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
