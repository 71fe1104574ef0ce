/**
 * `duroxide-llm instances list|show|history|cancel|raise|start`: the console's reads and actions
 * from a terminal, human-readable tables by default and `--json` for scripts.
 */
import { parseArgs } from 'node:util';
import { ConsoleApi, InstanceNotFound, NotWaitingError, STATUSES } from '../console/console-api.js';
import type { Json } from '../runtime/history.js';
import type { InstanceStatus } from '../store/store.js';
import { EXIT } from './exit-codes.js';
import { openStore, STORE_HELP, StoreSpecError } from './store-option.js';
import { cell, table, when } from './text-table.js';

export const INSTANCES_USAGE = `Usage: duroxide-llm instances <command> [options]

  list [--status S] [--name N] [--search TEXT] [--limit N] [--offset N]
  show ID [--execution N]
  history ID [--execution N]
  cancel ID [--reason TEXT]
  raise ID EVENT JSON
  start NAME [JSON] [--id ID] [--version V]

Options:
  ${STORE_HELP}
  --json         machine-readable output on stdout

Exit codes: 0 ok, 1 error, 2 usage, 3 instance not found, 4 not allowed in its state.`;

export class CliUsageError extends Error {}

type Out = NodeJS.WritableStream;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: 'string' },
      json: { type: 'boolean', default: false },
      status: { type: 'string' },
      name: { type: 'string' },
      search: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      execution: { type: 'string' },
      reason: { type: 'string' },
      id: { type: 'string' },
      version: { type: 'string' },
      by: { type: 'string' },
      all: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

export type ParsedCli = ReturnType<typeof parse>;

export function parseCli(argv: string[]): ParsedCli {
  try {
    return parse(argv);
  } catch (e) {
    throw new CliUsageError((e as Error).message);
  }
}

export function intOption(v: string | undefined, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new CliUsageError(`${what} must be a whole number, got "${v}"`);
  return Number(v);
}

export function jsonArg(text: string | undefined, what: string): Json {
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw new CliUsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Runs a command body against the store, mapping errors to exit codes. */
export async function withApi(parsed: ParsedCli, err: Out, name: string, usage: string, body: (api: ConsoleApi) => Promise<number>): Promise<number> {
  let api: ConsoleApi | null = null;
  try {
    api = new ConsoleApi(await openStore(parsed.values.store));
    return await body(api);
  } catch (e) {
    const error = e as Error;
    if (e instanceof CliUsageError || e instanceof StoreSpecError) {
      err.write(`duroxide-llm ${name}: ${error.message}\n\n${usage}\n`);
      return EXIT.usage;
    }
    err.write(`duroxide-llm ${name}: ${cell(error.message, 2000)}\n`);
    if (e instanceof InstanceNotFound || error.name === 'InstanceNotFoundError') return EXIT.notFound;
    if (e instanceof NotWaitingError || error.name === 'InstanceAlreadyExistsError') return EXIT.conflict;
    return EXIT.error;
  } finally {
    await api?.store.close().catch(() => {});
  }
}

export async function instancesCommand(argv: string[], out: Out, err: Out): Promise<number> {
  let parsed: ParsedCli;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    err.write(`duroxide-llm instances: ${(e as Error).message}\n\n${INSTANCES_USAGE}\n`);
    return EXIT.usage;
  }
  const [sub, ...args] = parsed.positionals;
  if (parsed.values.help || !sub) {
    (parsed.values.help ? out : err).write(`${INSTANCES_USAGE}\n`);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  const v = parsed.values;
  const print = (value: unknown, human: () => string) => out.write(`${v.json ? JSON.stringify(value, null, 2) : human()}\n`);
  const need = (n: number, what: string) => {
    if (args.length < n) throw new CliUsageError(`instances ${sub} needs ${what}`);
  };
  return withApi(parsed, err, 'instances', INSTANCES_USAGE, async (api) => {
    const run = Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new CliUsageError(`unknown instances command "${sub}"`);
    return run({ api, args, v, print, need });
  });
}

/** What each subcommand gets: the API, its arguments and options, and how to print. */
interface Sub {
  api: ConsoleApi;
  args: string[];
  v: ParsedCli['values'];
  print: (value: unknown, human: () => string) => void;
  need: (n: number, what: string) => void;
}

const SUBCOMMANDS: Record<string, (sub: Sub) => Promise<number>> = {
  list: listCommand,
  show: showCommand,
  history: historyCommand,
  cancel: cancelCommand,
  raise: raiseCommand,
  start: startCommand,
};

async function listCommand({ api, v, print }: Sub): Promise<number> {
    if (v.status && !STATUSES.includes(v.status as InstanceStatus)) throw new CliUsageError(`--status must be one of ${STATUSES.join(', ')}`);
    const page = await api.list({
      ...(v.status ? { status: v.status as InstanceStatus } : {}),
      ...(v.name ? { name: v.name } : {}),
      ...(v.search ? { idContains: v.search } : {}),
      limit: intOption(v.limit, '--limit') ?? 50,
      offset: intOption(v.offset, '--offset') ?? 0,
    });
    print(page, () =>
      [
        table(
          ['INSTANCE', 'NAME', 'VERSION', 'STATUS', 'CREATED', 'UPDATED', 'TOKENS', 'CUSTOM STATUS'],
          page.instances.map((i) => [i.instanceId, i.name, i.version, i.status, when(i.createdAtMs), when(i.updatedAtMs), i.llm.input + i.llm.output || '', i.customStatus]),
        ),
        `${page.instances.length} of ${page.total} shown · ${STATUSES.map((s) => `${s} ${page.counts[s] ?? 0}`).join(' · ')}`,
      ].join('\n'),
    );
    return EXIT.ok;
      
}

async function showCommand({ api, args, v, print, need }: Sub): Promise<number> {
    need(1, 'an instance id');
    const d = await api.instance(args[0], { executionId: intOption(v.execution, '--execution') });
    const { timeline: _t, ...rest } = d;
    print(rest, () => {
      const i = d.instance;
      const lines = [
        `Instance     ${cell(i.instanceId, 200)}`,
        `Name         ${cell(i.name)} v${cell(i.version ?? '?')}`,
        `Status       ${i.status}`,
        `Created      ${when(i.createdAtMs)}   updated ${when(i.updatedAtMs)}`,
        `Executions   ${d.executions.map((e) => `#${e.executionId} ${e.outcome}`).join(' → ')}`,
        `Input        ${cell(d.input, 200)}`,
        ...(i.output !== undefined ? [`Output       ${cell(i.output, 200)}`] : []),
        ...(i.error ? [`Error        ${cell(`${i.error.name}: ${i.error.message}`, 300)}`] : []),
        ...(d.codeSite ? [`Code site    ${cell(d.codeSite, 200)}`] : []),
        ...(i.customStatus !== undefined ? [`Custom       ${cell(i.customStatus, 200)}`] : []),
        ...(d.parent ? [`Parent       ${cell(d.parent.instanceId)} (${d.parent.status})`] : []),
        ...(d.children.length ? [`Children     ${d.children.map((c) => `${cell(c.instanceId)} (${c.status})`).join(', ')}`] : []),
        `LLM          ${d.ledger.totals.calls} calls, ${d.ledger.totals.input} in / ${d.ledger.totals.output} out tokens`,
        ...d.waits.map((w) => `Waiting for  ${cell(w.event)}${w.approval ? ` (approve ${cell(w.approval.tool)} ${cell(w.approval.params)})` : ''}`),
      ];
      if (d.overlay && d.diagram) {
        lines.push('', table(['STEP', 'KIND', 'STATE', 'RUNS'], d.diagram.graph.nodes.filter((n) => n.name).map((n) => [n.label ?? n.name, n.kind, d.overlay!.nodes[n.id].state, d.overlay!.nodes[n.id].count || ''])));
      }
      return lines.join('\n');
    });
    return EXIT.ok;
      
}

async function historyCommand({ api, args, v, print, need }: Sub): Promise<number> {
    need(1, 'an instance id');
    const h = await api.history(args[0], { executionId: intOption(v.execution, '--execution') });
    print(h, () =>
      table(
        ['#', 'TIME', 'KIND', 'DETAIL'],
        h.events.map((e) => {
          const { eventId, timestampMs, kind, ...detail } = e as unknown as Record<string, unknown>;
          return [eventId, when(timestampMs as number), kind, detail];
        }),
      ),
    );
    return EXIT.ok;
      
}

async function cancelCommand({ api, args, v, print, need }: Sub): Promise<number> {
    need(1, 'an instance id');
    await api.cancel(args[0], v.reason);
    print({ ok: true, instanceId: args[0], cancelled: true }, () => `Cancellation requested for ${cell(args[0], 200)}.`);
    return EXIT.ok;
      
}

async function raiseCommand({ api, args, print, need }: Sub): Promise<number> {
    need(3, 'ID EVENT JSON');
    const data = jsonArg(args[2], 'the event data');
    await api.raise(args[0], args[1], data);
    print({ ok: true, instanceId: args[0], event: args[1] }, () => `Raised "${cell(args[1])}" on ${cell(args[0], 200)}.`);
    return EXIT.ok;
      
}

async function startCommand({ api, args, v, print, need }: Sub): Promise<number> {
    need(1, 'an orchestration name');
    const id = await api.start(args[0], jsonArg(args[1], 'the input'), { ...(v.id ? { instanceId: v.id } : {}), ...(v.version ? { version: v.version } : {}) });
    print({ ok: true, instanceId: id }, () => id);
    return EXIT.ok;
      
}
