/** `duroxide-llm approvals [list | approve ID ACTION | reject ID ACTION --reason]`: the inbox from a terminal. */
import { userInfo } from 'node:os';
import { EXIT } from './exit-codes.js';
import { CliUsageError, parseCli, withApi, type ParsedCli } from './instances-command.js';
import { STORE_HELP } from './store-option.js';
import { cell, table, when } from './text-table.js';

export const APPROVALS_USAGE = `Usage: duroxide-llm approvals [list] [--all]
       duroxide-llm approvals approve ID ACTION [--reason TEXT] [--by NAME]
       duroxide-llm approvals reject ID ACTION --reason TEXT [--by NAME]

  list lists agent actions waiting for approval (--all: every instance waiting on an event).
  A decision raises approval:<ACTION> with { approved, reason, decidedBy, decidedAtMs, via }.

Options:
  ${STORE_HELP}
  --json         machine-readable output on stdout

Exit codes: 0 ok, 1 error, 2 usage, 3 instance not found, 4 not waiting for that approval.`;

function who(by: string | undefined): string {
  if (by) return by;
  try {
    return userInfo().username;
  } catch {
    return 'cli user';
  }
}

export async function approvalsCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream): Promise<number> {
  let parsed: ParsedCli;
  try {
    parsed = parseCli(argv);
  } catch (e) {
    err.write(`duroxide-llm approvals: ${(e as Error).message}\n\n${APPROVALS_USAGE}\n`);
    return EXIT.usage;
  }
  if (parsed.values.help) {
    out.write(`${APPROVALS_USAGE}\n`);
    return EXIT.ok;
  }
  const [sub = 'list', id, action] = parsed.positionals;
  const v = parsed.values;
  return withApi(parsed, err, 'approvals', APPROVALS_USAGE, async (api) => {
    if (sub === 'list') {
      const waits = await api.waits({ approvalsOnly: !v.all });
      out.write(
        `${
          v.json
            ? JSON.stringify({ waits }, null, 2)
            : waits.length
              ? table(
                  ['INSTANCE', 'ACTION', 'TOOL', 'PARAMS', 'THOUGHT', 'WAITING SINCE', 'TIME LEFT'],
                  waits.map((w) => [w.instanceId, w.approval?.actionId ?? w.event, w.approval?.tool ?? '', w.approval?.params ?? '', w.approval?.thought ?? '', when(w.sinceMs), w.deadlineMs ? `${Math.max(0, Math.round((w.deadlineMs - Date.now()) / 1000))} s` : '']),
                )
              : 'Nothing is waiting for approval.'
        }\n`,
      );
      return EXIT.ok;
    }
    if (sub !== 'approve' && sub !== 'reject') throw new CliUsageError(`unknown approvals command "${sub}"`);
    if (!id || !action) throw new CliUsageError(`approvals ${sub} needs ID ACTION`);
    if (sub === 'reject' && !v.reason) throw new CliUsageError('approvals reject needs --reason');
    const decision = await api.decide(id, action, { approved: sub === 'approve', ...(v.reason ? { reason: v.reason } : {}), decidedBy: who(v.by), via: 'cli' });
    out.write(`${v.json ? JSON.stringify({ ok: true, instanceId: id, actionId: action, decision }, null, 2) : `${sub === 'approve' ? 'Approved' : 'Rejected'} ${cell(action)} on ${cell(id, 200)}.`}\n`);
    return EXIT.ok;
  });
}
