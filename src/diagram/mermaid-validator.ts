/**
 * Parses mermaid text with the real `mermaid.parse`, under happy-dom globals, inside a worker
 * thread: the DOM globals mermaid needs never touch the caller's process (a bundler's).
 * The worker starts on first use (a cache miss) and is reused; mermaid and happy-dom are
 * optional peer dependencies.
 */
import { Worker } from 'node:worker_threads';
import { DuroxideError } from '../duroxide-error.js';

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
  const named = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'", nbsp: ' ' };
  const decode = (s) => String(s ?? '').replace(/\\uFB02\\u00B0\\u00B0(\\d+)\\u00B6\\u00DF/g, (_, n) => String.fromCharCode(Number(n))).replace(/\\uFB02\\u00B0(\\w+)\\u00B6\\u00DF/g, (m, n) => named[n] ?? m);
  const readBack = async (text) => {
    const d = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = d.db;
    if (typeof db.getMessages === 'function') {
      return { kind: 'sequence', messages: db.getMessages().map((m) => ({ type: m.type, from: m.from, to: m.to, text: decode(m.message) })) };
    }
    if (typeof db.getVertices === 'function') {
      return { kind: 'flowchart', vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text ?? v.id), shape: v.type })), edges: db.getEdges().map((e) => ({ from: e.start, to: e.end })) };
    }
    return { kind: d.type };
  };
  parentPort.on('message', async ({ id, text, readBack: want }) => {
    try {
      await mermaid.parse(text);
      parentPort.postMessage({ id, ok: true, ...(want ? { drawn: await readBack(text) } : {}) });
    } catch (e) {
      parentPort.postMessage({ id, ok: false, error: String((e && e.message) || e).split('\\n').slice(0, 4).join(' ') });
    }
  });
  parentPort.postMessage({ ready: true });
})().catch((e) => parentPort.postMessage({ fatal: String((e && e.message) || e) }));
`;

export class MermaidUnavailableError extends DuroxideError {}

let worker: Worker | null = null;
let ready: Promise<Worker> | null = null;
let nextId = 0;
type Reply = { ok: boolean; error?: string; drawn?: MermaidReadBack };
const pending = new Map<number, (r: Reply) => void>();

/** What mermaid's own parser read: a flowchart's vertices and edges, or a sequence's messages. */
export type MermaidReadBack =
  | { kind: 'flowchart'; vertices: { id: string; text: string; shape?: string }[]; edges: { from: string; to: string }[] }
  | { kind: 'sequence'; messages: { type: number; from?: string; to?: string; text: string }[] }
  | { kind: string };

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
    w.on('message', (m: { ready?: boolean; fatal?: string; id?: number; ok?: boolean; error?: string; drawn?: MermaidReadBack }) => {
      if (m.ready) {
        worker = w;
        resolve(w);
      } else if (m.fatal) {
        ready = null;
        reject(new MermaidUnavailableError(`mermaid could not start: ${m.fatal}`));
      } else if (m.id !== undefined) {
        pending.get(m.id)?.({ ok: m.ok === true, ...(m.error ? { error: m.error } : {}), ...(m.drawn ? { drawn: m.drawn } : {}) });
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

async function ask(text: string, readBack: boolean): Promise<Reply> {
  const w = await start();
  const id = nextId++;
  return new Promise<Reply>((resolve) => {
    pending.set(id, resolve);
    w.postMessage({ id, text, readBack });
  });
}

/** Resolves with null when the text parses, or the parser's message when it does not. */
export async function parseMermaid(text: string): Promise<string | null> {
  const result = await ask(text, false);
  return result.ok ? null : (result.error ?? 'invalid mermaid');
}

/** What mermaid read from valid text (throws the parser's message on invalid text). */
export async function readMermaid(text: string): Promise<MermaidReadBack> {
  const result = await ask(text, true);
  if (!result.ok || !result.drawn) throw new Error(result.error ?? 'invalid mermaid');
  return result.drawn;
}

/** Stops the worker (tests, CLI exit). */
export async function stopMermaidValidator(): Promise<void> {
  const w = worker;
  worker = null;
  ready = null;
  await w?.terminate();
}
