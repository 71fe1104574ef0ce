/**
 * Parses mermaid text with the real `mermaid.parse`, under happy-dom globals, inside a worker
 * thread: the DOM globals mermaid needs never touch the caller's process (a bundler's).
 * The worker starts on first use (a cache miss) and is reused; mermaid and happy-dom are
 * optional peer dependencies.
 */
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { Window } = await import(workerData.happyDom);
  const win = new Window({ url: 'http://localhost/' });
  for (const key of ['window', 'document', 'navigator', 'DOMParser', 'Element', 'HTMLElement', 'SVGElement', 'Node', 'getComputedStyle', 'MutationObserver']) {
    if (globalThis[key] === undefined) Object.defineProperty(globalThis, key, { value: win[key] ?? win, configurable: true, writable: true });
  }
  const mermaid = (await import(workerData.mermaid)).default;
  mermaid.initialize({ startOnLoad: false });
  parentPort.on('message', async ({ id, text }) => {
    try {
      await mermaid.parse(text);
      parentPort.postMessage({ id, ok: true });
    } catch (e) {
      parentPort.postMessage({ id, ok: false, error: String((e && e.message) || e).split('\\n').slice(0, 4).join(' ') });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ fatal: String((e && e.message) || e) }));
`;

export class MermaidUnavailableError extends Error {}

let worker: Worker | null = null;
let ready: Promise<Worker> | null = null;
let nextId = 0;
const pending = new Map<number, (r: { ok: boolean; error?: string }) => void>();

function start(): Promise<Worker> {
  return (ready ??= new Promise<Worker>((resolve, reject) => {
    let urls: { mermaid: string; happyDom: string };
    try {
      urls = { mermaid: import.meta.resolve('mermaid'), happyDom: import.meta.resolve('happy-dom') };
    } catch {
      ready = null;
      reject(new MermaidUnavailableError('Validating mermaid needs the "mermaid" and "happy-dom" packages: npm install -D mermaid happy-dom'));
      return;
    }
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: urls });
    w.unref();
    w.on('message', (m: { ready?: boolean; fatal?: string; id?: number; ok?: boolean; error?: string }) => {
      if (m.ready) {
        worker = w;
        resolve(w);
      } else if (m.fatal) {
        ready = null;
        reject(new MermaidUnavailableError(`mermaid could not start: ${m.fatal}`));
      } else if (m.id !== undefined) {
        pending.get(m.id)?.({ ok: m.ok === true, ...(m.error ? { error: m.error } : {}) });
        pending.delete(m.id);
      }
    });
    w.on('error', (err) => {
      ready = null;
      worker = null;
      reject(err);
    });
  }));
}

/** Resolves with null when the text parses, or the parser's message when it does not. */
export async function parseMermaid(text: string): Promise<string | null> {
  const w = await start();
  const id = nextId++;
  const result = await new Promise<{ ok: boolean; error?: string }>((resolve) => {
    pending.set(id, resolve);
    w.postMessage({ id, text });
  });
  return result.ok ? null : (result.error ?? 'invalid mermaid');
}

/** Stops the worker (tests, CLI exit). */
export async function stopMermaidValidator(): Promise<void> {
  const w = worker;
  worker = null;
  ready = null;
  await w?.terminate();
}
