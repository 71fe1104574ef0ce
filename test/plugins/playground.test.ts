/**
 * The playground built with Vite and the duroxide plugin, served on loopback and opened in
 * real headless Chromium: every diagram must render to an SVG with the expected labels.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumAvailable } from '../../src/diagram/browser-render.js';
import { requireTool } from '../support/required-tool.js';
import { tempDir } from '../support/temp-paths.js';

const playground = resolve(import.meta.dirname, '../../playground');
const available = chromiumAvailable();

it('every playground diagram renders to an SVG with its labels in headless Chromium', { timeout: 240_000 }, async (ctx) => {
  requireTool(ctx, 'Chromium', available, `nothing at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const { build } = await import('vite');
  const outDir = tempDir('duroxide-playground-');
  await build({ configFile: join(playground, 'vite.config.ts'), logLevel: 'silent', build: { outDir, emptyOutDir: true } });

  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server = createServer((req, res) => {
    const path = join(outDir, req.url === '/' ? 'index.html' : decodeURIComponent((req.url ?? '').split('?')[0]));
    if (!path.startsWith(outDir) || !existsSync(path) || statSync(path).isDirectory()) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    expect(errors).toEqual([]);
    const sections = await page.$$eval('section', (els) =>
      els.map((el) => ({ name: (el as HTMLElement).dataset.orchestration, svg: !!el.querySelector('svg'), text: el.querySelector('svg')?.textContent ?? '' })),
    );
    expect(sections.map((s) => s.name).sort()).toEqual(['OrderSaga', 'SupportTriage', 'ThumbnailBatch']);
    expect(sections.every((s) => s.svg)).toBe(true);
    const byName = Object.fromEntries(sections.map((s) => [s.name, s.text]));
    expect(byName.OrderSaga).toContain('Reserve inventory');
    expect(byName.OrderSaga).toContain('Release inventory');
    expect(byName.ThumbnailBatch).toContain('makeThumbnail');
    expect(byName.SupportTriage).toContain('LLM sentiment');
    await page.screenshot({ path: join(outDir, 'playground.png'), fullPage: true });
  } finally {
    await browser.close();
    server.close();
  }
});
