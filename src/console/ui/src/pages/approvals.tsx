/** The approvals inbox: agent actions waiting for a human, and every other wait on an event. */
import { useEffect, useState } from 'preact/hooks';
import { enc, get, onChangeThrottled, post, type Wait } from '../api';
import { Empty, ErrorNote, JsonBlock, useNow } from '../components';
import { ago, duration, time } from '../format';
import type { Meta } from '../main';
import { href } from '../router';

const NAME_KEY = 'duroxide-console-name';

export function ApprovalsPage({ meta }: { meta: Meta }) {
  const [waits, setWaits] = useState<Wait[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [decided, setDecided] = useState<{ wait: Wait; verdict: string; by: string }[]>([]);
  useEffect(() => {
    const load = () => void get<{ waits: Wait[] }>('approvals?all=1').then((r) => setWaits(r.waits), (e: Error) => setError(e.message));
    load();
    return onChangeThrottled(load, 500);
  }, []);
  const approvals = waits?.filter((w) => w.approval) ?? [];
  const others = waits?.filter((w) => !w.approval) ?? [];
  return (
    <section>
      <div class="page-head">
        <h1>Approvals</h1>
        <span class="dim">{approvals.length} action{approvals.length === 1 ? '' : 's'} waiting for a decision</span>
      </div>
      <ErrorNote error={error} />
      {waits && !approvals.length && <Empty>No agent action is waiting for approval.</Empty>}
      <div class="inbox" data-testid="inbox">
        {approvals.map((w) => (
          <ApprovalCard key={`${w.instanceId}/${w.event}`} wait={w} meta={meta} showInstance onDecided={(verdict, by) => setDecided((d) => [{ wait: w, verdict, by }, ...d])} />
        ))}
      </div>
      {decided.length > 0 && (
        <div class="decided">
          {decided.map((d) => (
            <p key={`${d.wait.instanceId}/${d.wait.event}`} data-testid="decided" data-instance={d.wait.instanceId}>
              ✓ {d.verdict} <b>{d.wait.approval?.tool}</b> ({d.wait.approval?.actionId}) on <a href={href.instance(d.wait.instanceId)}>{d.wait.instanceId}</a> by {d.by}
            </p>
          ))}
        </div>
      )}
      {others.length > 0 && (
        <>
          <h2>Other instances waiting on an event</h2>
          <table class="grid">
            <thead>
              <tr>
                <th>Instance</th>
                <th>Orchestration</th>
                <th>Event</th>
                <th>Waiting since</th>
                <th>Times out</th>
              </tr>
            </thead>
            <tbody>
              {others.map((w) => (
                <tr key={`${w.instanceId}/${w.event}`}>
                  <td class="mono">
                    <a href={href.instance(w.instanceId)}>{w.instanceId}</a>
                  </td>
                  <td>{w.orchestration}</td>
                  <td class="mono">{w.event}</td>
                  <td title={time(w.sinceMs)}>{ago(w.sinceMs)}</td>
                  <td>{w.deadlineMs ? time(w.deadlineMs) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export function ApprovalCard({
  wait,
  meta,
  showInstance,
  onDone,
  onDecided,
}: {
  wait: Wait;
  meta: Meta;
  showInstance?: boolean;
  onDone?: () => void;
  onDecided?: (verdict: string, by: string) => void;
}) {
  const a = wait.approval!;
  const now = useNow();
  const [reason, setReason] = useState('');
  const [by, setBy] = useState(() => localStorage.getItem(NAME_KEY) ?? '');
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const decide = (approved: boolean) => {
    if (!approved && !reason.trim()) return setError('A rejection needs a reason.');
    localStorage.setItem(NAME_KEY, by);
    post(`instances/${enc(wait.instanceId)}/approvals/${enc(a.actionId)}`, { approved, reason: reason.trim() || undefined, decidedBy: by.trim() || 'console user' }).then(
      () => {
        setSent(approved ? 'Approved' : 'Rejected');
        onDecided?.(approved ? 'Approved' : 'Rejected', by.trim() || 'console user');
        onDone?.();
      },
      (e: Error) => setError(e.message),
    );
  };
  const left = wait.deadlineMs ? wait.deadlineMs - now : null;
  return (
    <div class="card approval" data-testid="approval" data-instance={wait.instanceId} data-action={a.actionId}>
      <div class="approval-head">
        <span class="tool">{a.tool}</span>
        <span class="dim">action {a.actionId}</span>
        {showInstance && (
          <a class="mono small" href={href.instance(wait.instanceId)}>
            {wait.instanceId}
          </a>
        )}
        <span class="spacer" />
        <span class={`time-left ${left !== null && left < 60_000 ? 'hot' : ''}`}>{left === null ? `waiting ${ago(wait.sinceMs).replace(' ago', '')}` : left > 0 ? `${duration(left)} left` : 'timing out'}</span>
      </div>
      {a.thought && <p class="thought"><span class="thought-label">Thought</span>{a.thought}</p>}
      <h5>Parameters</h5>
      <JsonBlock value={a.params} max={4000} />
      {sent ? (
        <p class="sent">{sent} — the agent continues.</p>
      ) : meta.readOnly ? (
        <p class="dim small">Read-only console: decide with the CLI or a console without --read-only.</p>
      ) : (
        <div class="decide">
          <input placeholder="Reason (required to reject)" value={reason} onInput={(e) => setReason(e.currentTarget.value)} data-testid="approval-reason" />
          <input placeholder="Your name" value={by} onInput={(e) => setBy(e.currentTarget.value)} class="narrow" data-testid="approval-by" />
          <button class="danger" onClick={() => decide(false)} data-testid="reject">
            Reject
          </button>
          <button class="primary" onClick={() => decide(true)} data-testid="approve">
            Approve
          </button>
        </div>
      )}
      <ErrorNote error={error} />
    </div>
  );
}
