/** A minimal LSP client over stdio, enough to ask a language server for hovers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export class LspClient {
  private readonly child: ChildProcess;
  private buffer = Buffer.alloc(0);
  private nextId = 0;
  private readonly pending = new Map<number, (result: unknown) => void>();

  constructor(command: string, args: string[], private readonly root: string) {
    this.child = spawn(command, args, { cwd: root, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
  }

  async start(): Promise<void> {
    const rootUri = pathToFileURL(this.root).href;
    await this.request('initialize', { processId: process.pid, rootUri, capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } }, workspaceFolders: [{ uri: rootUri, name: 'project' }] });
    this.notify('initialized', {});
  }

  open(file: string): void {
    this.notify('textDocument/didOpen', { textDocument: { uri: this.uri(file), languageId: 'typescript', version: 1, text: readFileSync(join(this.root, file), 'utf8') } });
  }

  /** The Markdown of the hover on the `nth` occurrence of `needle` in `file`. */
  async hover(file: string, needle: string, nth = 0): Promise<string> {
    const text = readFileSync(join(this.root, file), 'utf8');
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
    const lines = text.slice(0, at + 1).split('\n');
    const result = (await this.request('textDocument/hover', { textDocument: { uri: this.uri(file) }, position: { line: lines.length - 1, character: lines.at(-1)!.length } })) as { contents?: { value?: string } } | null;
    return result?.contents?.value ?? '';
  }

  async stop(): Promise<void> {
    await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
    this.notify('exit', null);
    this.child.kill();
  }

  private uri(file: string): string {
    return pathToFileURL(join(this.root, file)).href;
  }

  private request(method: string, params: unknown): Promise<unknown> {
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  private notify(method: string, params: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  private send(message: object): void {
    const body = JSON.stringify(message);
    this.child.stdin!.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const header = this.buffer.indexOf('\r\n\r\n');
      if (header < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, header).toString())?.[1] ?? 0);
      if (this.buffer.length < header + 4 + length) return;
      const message = JSON.parse(this.buffer.subarray(header + 4, header + 4 + length).toString()) as { id?: number; method?: string; result?: unknown; error?: unknown };
      this.buffer = this.buffer.subarray(header + 4 + length);
      if (message.id !== undefined && message.method) this.send({ jsonrpc: '2.0', id: message.id, result: null }); // a request from the server
      else if (message.id !== undefined) {
        this.pending.get(message.id)?.(message.result ?? message.error);
        this.pending.delete(message.id);
      }
    }
  }
}
