/** The console embedded in a user's server under a path prefix: Node http and fetch-style handlers; the CLI's console process. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleFetchHandler, createConsoleHandler } from '../../src/console/http-handler.js';
import { MemoryStore } from '../../src/store/memory-store.js';

const store = new MemoryStore();
beforeAll(async () => {
  await store.init();
  await store.createInstance({ kind: 'StartOrchestration', instanceId: 'emb-1', name: 'OrderFlow', input: null });
});

describe('Node http handler under /ops', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const ops = createConsoleHandler({ store, basePath: '/ops' });
    server = createServer((req, res) =>
      ops(req, res, () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('the app');
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('serves the API and UI under the prefix and falls through elsewhere', async () => {
    const list = await (await fetch(`${base}/ops/api/instances`)).json();
    expect(list.instances.map((i: { instanceId: string }) => i.instanceId)).toEqual(['emb-1']);
    const page = await fetch(`${base}/ops/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await (await fetch(`${base}/elsewhere`)).text()).toBe('the app');
    expect((await fetch(`${base}/ops`, { redirect: 'manual' })).headers.get('location')).toBe('/ops/');
  });

  it('streams live updates over SSE', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${base}/ops/api/events`, { signal: ctrl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await store.enqueueOrchestratorMessage({ kind: 'ExternalEvent', instanceId: 'emb-1', name: 'x', data: null });
    const item = (await store.fetchOrchestrationItem(30_000))!;
    await store.ackOrchestrationItem(item.lockToken, { executionId: 1, historyDelta: [], instance: { name: 'OrderFlow', version: '1.0.0', status: 'Running' }, workItems: [], orchestratorMessages: [] });
    let text = '';
    const dec = new TextDecoder();
    while (!text.includes('event: instances')) text += dec.decode((await reader.read()).value);
    expect(text).toContain('"instanceId":"emb-1"');
    ctrl.abort();
  });
});

describe('fetch-style handler', () => {
  it('answers Requests under the prefix, checks the token and the Origin of actions', async () => {
    const handle = createConsoleFetchHandler({ store, basePath: '/ops', token: 's3cret' });
    expect((await handle(new Request('http://app.test/ops/api/instances'))).status).toBe(401);
    const ok = await handle(new Request('http://app.test/ops/api/instances', { headers: { authorization: 'Bearer s3cret' } }));
    expect((await ok.json()).total).toBe(1);
    const action = (origin: string) =>
      handle(
        new Request('http://app.test/ops/api/instances/emb-1/events', {
          method: 'POST',
          headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json', origin, host: 'app.test' },
          body: JSON.stringify({ name: 'go', data: { n: 1 } }),
        }),
      );
    expect((await action('http://evil.test')).status).toBe(403);
    expect((await action('http://app.test')).status).toBe(202);
    const start = (body: string) =>
      handle(new Request('http://app.test/ops/api/instances', { method: 'POST', headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' }, body }));
    const started = await start(JSON.stringify({ name: 'OrderFlow', input: { id: 'o-9' }, instanceId: 'emb-2' }));
    expect(started.status).toBe(201);
    expect(await started.json()).toEqual({ instanceId: 'emb-2' });
    expect((await store.getInstance('emb-2'))?.status).toBe('Pending');
    expect((await start(JSON.stringify({ name: 'OrderFlow', instanceId: 'emb-2' }))).status).toBe(409);
    expect((await start('{not json')).status).toBe(400);
    expect((await start(JSON.stringify({ input: 1 }))).status).toBe(400);
    const cookie = await handle(new Request('http://app.test/ops/?token=s3cret'));
    expect(cookie.status).toBe(303);
    expect(cookie.headers.get('set-cookie')).toMatch(/duroxide_console=s3cret; Path=\/ops; HttpOnly; SameSite=Strict/);
    expect((await handle(new Request('http://app.test/ops/?token=nope'))).status).toBe(401);
  });
});

describe('duroxide-llm console (a real process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'console-cli-proc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function runConsole(args: string[]): Promise<{ out: string; stop: () => Promise<number | null> }> {
    const root = resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/main.ts'), 'console', '--port', '0', '--store', `sqlite:${join(dir, 'd.db')}`, ...args], { cwd: root });
    return new Promise((resolveRun, reject) => {
      let out = '';
      child.stdout.on('data', (c) => {
        out += c;
        if (out.includes('\n') && (!args.includes('0.0.0.0') || out.includes('Access token'))) {
          resolveRun({ out, stop: () => new Promise((r) => (child.once('exit', (code) => r(code)), child.kill('SIGTERM'))) });
        }
      });
      child.once('exit', (code) => reject(new Error(`console exited with ${code}`)));
    });
  }

  it('prints the URL; beyond loopback it prints a generated token once and refuses calls without it', async () => {
    const local = await runConsole([]);
    expect(local.out).toMatch(/^duroxide-llm console: http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(await local.stop()).toBe(0);
    const open = await runConsole(['--host', '0.0.0.0']);
    const token = /Access token \(shown once\): (\S+)/.exec(open.out)![1];
    const url = /console: (\S+)/.exec(open.out)![1];
    expect(url).toContain(`?token=${encodeURIComponent(token)}`);
    const port = new URL(url).port;
    expect((await fetch(`http://127.0.0.1:${port}/api/instances`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/api/instances`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await open.stop()).toBe(0);
  });
});
