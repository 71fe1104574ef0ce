/**
 * The console's prebuilt browser app, served from the package itself (`dist/console-ui`, built
 * by Vite at `prepare`): no build step on the user's machine and no network at run time.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  type: string;
  body: Uint8Array;
  /** Hashed file names never change content: cache them for good. */
  immutable: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** The package root: the nearest folder above this module with our package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && /"name":\s*"duroxide-llm"/.test(readFileSync(pkg, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('duroxide-llm console: cannot find the package root');
    dir = up;
  }
}

let uiDir: string | null = null;

export function consoleUiDir(): string {
  return (uiDir ??= process.env.DUROXIDE_CONSOLE_UI_DIR ?? join(packageRoot(), 'dist', 'console-ui'));
}

const cache = new Map<string, Asset | null>();

const MISSING_UI = `<!doctype html><meta charset="utf-8"><title>duroxide-llm console</title>
<body style="font-family:system-ui;margin:3rem"><h1>The console UI is not built</h1>
<p>This copy of duroxide-llm has no <code>dist/console-ui</code>. In a clone of the repository run <code>npm run build:console</code>.
The API under <code>api/</code> works without it.</p></body>`;

export function readAsset(path: string): Asset | null {
  if (cache.has(path)) return cache.get(path)!;
  const root = consoleUiDir();
  const file = normalize(join(root, decodeURIComponent(path)));
  let asset: Asset | null = null;
  if (file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile()) {
    asset = { type: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file), immutable: path.startsWith('/assets/') };
  } else if (path === '/index.html') {
    return { type: TYPES['.html'], body: Buffer.from(MISSING_UI), immutable: false };
  }
  cache.set(path, asset);
  return asset;
}
