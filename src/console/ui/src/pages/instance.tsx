/** One instance: header, its diagram with the run overlaid, timeline, LLM ledger, transcript, raw history. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { enc, get, onChange, post, type Detail, type HistoryEvent, type Wait } from '../api';
import { Dialog, Empty, ErrorNote, JsonBlock, JsonEditor, StatusPill, check } from '../components';
import { Diagram } from '../diagram';
import { duration, oneLine, time, tokens, usd } from '../format';
import { href, navigate } from '../router';
import type { Meta } from '../main';
import { ApprovalCard } from './approvals';

type Tab = 'diagram' | 'timeline' | 'llm' | 'transcript' | 'history';

export function InstancePage({ id, query, meta }: { id: string; query: URLSearchParams; meta: Meta }) {
  const execution = query.get('execution');
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setTab] = useState<Tab | null>((query.get('tab') as Tab) || null);
  const [selected, setSelected] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'cancel' | 'raise' | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const path = `instances/${enc(id)}${execution ? `?execution=${enc(execution)}` : ''}`;

  const load = useCallback(
    () =>
      get<Detail>(path).then(
        (d) => {
          setDetail(d);
          setError(null);
        },
        (e: Error) => setError(e.message),
      ),
    [path],
  );
  useEffect(() => {
    setDetail(null);
    void load();
    return onChange((changed) => {
      if (!changed.some((c) => c.instanceId === id)) return;
      clearTimeout(timer.current);
      timer.current = window.setTimeout(() => void load(), 30);
    });
  }, [load, id]);

  if (error && !detail) return <ErrorNote error={error} />;
  if (!detail) return <div class="loading">Loading…</div>;
  const i = detail.instance;
  // Without a diagram, open on what there is: the agent's transcript, or the timeline.
  const tab: Tab = chosen ?? (detail.diagram ? 'diagram' : detail.transcript ? 'transcript' : 'timeline');
  const terminal = i.status === 'Completed' || i.status === 'Failed' || i.status === 'Cancelled';
  const canAct = !meta.readOnly && !terminal;
  const tabs: [Tab, string][] = [
    ['diagram', 'Diagram'],
    ['timeline', 'Timeline'],
    ['llm', `LLM ledger${detail.ledger.calls.length ? ` (${detail.ledger.calls.length})` : ''}`],
    ...(detail.transcript ? ([['transcript', 'Transcript']] as [Tab, string][]) : []),
    ['history', `History (${detail.historyLength})`],
  ];

  return (
    <section class="instance" data-status={i.status}>
      <div class="crumbs">
        <a href={href.instances()}>Instances</a> / <span class="mono">{oneLine(i.instanceId, 80)}</span>
      </div>
      <div class="instance-head card">
        <div class="title-row">
          <StatusPill status={i.status} />
          <h1>
            {i.name} <span class="dim">v{i.version ?? '?'}</span>
          </h1>
          <span class="mono dim" data-testid="instance-id">
            {i.instanceId}
          </span>
          <span class="spacer" />
          {canAct && (
            <>
              <button onClick={() => setDialog('raise')}>Raise event</button>
              <button class="danger" onClick={() => setDialog('cancel')} data-testid="cancel-button">
                Cancel
              </button>
            </>
          )}
        </div>
        <dl class="facts">
          <dt>Created</dt>
          <dd>{time(i.createdAtMs)}</dd>
          <dt>Updated</dt>
          <dd>{time(i.updatedAtMs)}</dd>
          <dt>Executions</dt>
          <dd class="chain" data-testid="executions">
            {detail.executions.map((e, n) => (
              <span key={e.executionId}>
                {n > 0 && <span class="arrow">→</span>}
                <a class={`exec exec-${e.outcome} ${e.executionId === detail.executionId ? 'current' : ''}`} href={href.instance(i.instanceId, { execution: String(e.executionId) })} title={`${e.outcome}, ${e.events} events`}>
                  #{e.executionId} {e.outcome === 'continued' ? 'continued as new' : e.outcome}
                </a>
              </span>
            ))}
          </dd>
          {detail.parent && (
            <>
              <dt>Parent</dt>
              <dd>
                <a class="mono" href={href.instance(detail.parent.instanceId)}>
                  {oneLine(detail.parent.instanceId, 60)}
                </a>{' '}
                <StatusPill status={detail.parent.status} />
              </dd>
            </>
          )}
          {detail.children.length > 0 && (
            <>
              <dt>Children</dt>
              <dd>
                {detail.children.map((c) => (
                  <span key={c.instanceId} class="child">
                    <a class="mono" href={href.instance(c.instanceId)}>
                      {oneLine(c.instanceId, 50)}
                    </a>{' '}
                    <StatusPill status={c.status} />
                  </span>
                ))}
              </dd>
            </>
          )}
          {i.customStatus !== undefined && (
            <>
              <dt>Custom status</dt>
              <dd class="mono">{oneLine(i.customStatus, 200)}</dd>
            </>
          )}
          {detail.ledger.totals.calls > 0 && (
            <>
              <dt>LLM</dt>
              <dd>
                {detail.ledger.totals.calls} calls · {tokens(detail.ledger.totals.input)} in / {tokens(detail.ledger.totals.output)} out · {usd(detail.ledger.totals.costUsd)}
              </dd>
            </>
          )}
        </dl>
        <div class="io">
          <div>
            <h4>Input</h4>
            <JsonBlock value={detail.input} max={4000} />
          </div>
          {i.output !== undefined && (
            <div>
              <h4>Output</h4>
              <JsonBlock value={i.output} max={4000} />
            </div>
          )}
          {i.error && (
            <div class="failure">
              <h4>Error</h4>
              <pre class="json">
                {i.error.name}: {i.error.message}
              </pre>
              {detail.codeSite && (
                <p class="small">
                  Code site: <code>{detail.codeSite}</code>
                </p>
              )}
            </div>
          )}
        </div>
      </div>

      {detail.waits.map((w: Wait) =>
        w.approval ? (
          <ApprovalCard key={w.event} wait={w} meta={meta} onDone={() => void load()} />
        ) : (
          <div key={w.event} class="wait-banner">
            Waiting for event <b>{w.event}</b> since {time(w.sinceMs)}
            {w.deadlineMs ? ` · times out ${time(w.deadlineMs)}` : ''}
          </div>
        ),
      )}

      <div class="tabs" role="tablist">
        {tabs.map(([t, label]) => (
          <button key={t} role="tab" class={tab === t ? 'active' : ''} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
            {label}
          </button>
        ))}
      </div>

      {tab === 'diagram' &&
        (detail.diagram && detail.overlay ? (
          <div class="diagram-layout">
            <div class="card">
              <Diagram detail={detail} selected={selected} onSelect={setSelected} />
            </div>
            <StepPanel detail={detail} nodeId={selected} />
          </div>
        ) : (
          <Empty>
            No diagram is recorded for {i.name} v{i.version ?? '?'}. Record it from the build step (<code>recordDiagrams</code>) or start the console with <code>--source DIR</code>. The timeline and history below still show the run.
          </Empty>
        ))}
      {tab === 'timeline' && <TimelineView detail={detail} />}
      {tab === 'llm' && <LedgerView detail={detail} />}
      {tab === 'transcript' && detail.transcript && <TranscriptView entries={detail.transcript} output={i.output} />}
      {tab === 'history' && <HistoryView id={i.instanceId} executionId={detail.executionId} total={detail.historyLength} />}

      {dialog === 'cancel' && <CancelDialog id={i.instanceId} onClose={() => setDialog(null)} onDone={() => void load()} />}
      {dialog === 'raise' && <RaiseDialog id={i.instanceId} suggested={detail.waits.find((w) => !w.approval)?.event} onClose={() => setDialog(null)} onDone={() => void load()} />}
    </section>
  );
}

function StepPanel({ detail, nodeId }: { detail: Detail; nodeId: string | null }) {
  const [events, setEvents] = useState<HistoryEvent[] | null>(null);
  const node = detail.diagram?.graph.nodes.find((n) => n.id === nodeId);
  const run = nodeId ? detail.overlay?.nodes[nodeId] : undefined;
  const ids = run?.eventIds.join(',') ?? '';
  useEffect(() => {
    setEvents(null);
    if (!ids) return;
    void get<{ events: HistoryEvent[] }>(`instances/${enc(detail.instance.instanceId)}/history?execution=${detail.executionId}&ids=${ids}`).then((r) => setEvents(r.events));
  }, [ids, detail.instance.instanceId, detail.executionId, detail.instance.updatedAtMs]);
  if (!node || !run) return <aside class="card step-panel dim">Click a step that ran to see its events: input, result, attempts, durations, errors.</aside>;
  const schedules = (events ?? []).filter((e) => run.eventIds.includes(e.eventId));
  return (
    <aside class="card step-panel" data-testid="step-panel">
      <h3>
        {node.label ?? node.name} <span class={`state state-${run.state}`}>{run.state.replace('_', ' ')}</span>
      </h3>
      <p class="dim small">
        {node.kind}
        {node.line ? ` · line ${node.line}` : ''} · {run.count} run{run.count === 1 ? '' : 's'}
        {run.attempts > run.count ? ` · ${run.attempts} attempts` : ''}
      </p>
      {run.children?.map((c) => (
        <p key={c}>
          Sub-orchestration: <a href={href.instance(c)}>{c}</a>
        </p>
      ))}
      {schedules.map((s, n) => {
        const done = (events ?? []).find((e) => e.sourceEventId === s.eventId);
        return (
          <div class="step-event" key={s.eventId}>
            <div class="step-event-head">
              <b>#{n + 1}</b> <span class="mono">event {s.eventId}</span> · {time(s.timestampMs)}
              {done ? ` · ${duration(done.timestampMs - s.timestampMs)}` : ' · running'}
              {done && <span class={`state state-${String(done.kind).endsWith('Failed') ? 'failed' : 'done'}`}>{String(done.kind)}</span>}
            </div>
            {s.input !== undefined && (
              <>
                <h5>Input</h5>
                <JsonBlock value={s.input} max={3000} />
              </>
            )}
            {done && 'result' in done && (
              <>
                <h5>Result</h5>
                <JsonBlock value={done.result} max={3000} />
              </>
            )}
            {done && 'error' in done && (
              <>
                <h5>Error</h5>
                <JsonBlock value={done.error} max={3000} />
              </>
            )}
          </div>
        );
      })}
    </aside>
  );
}

function TimelineView({ detail }: { detail: Detail }) {
  const { startMs, endMs, bars, omitted } = detail.timeline;
  const span = Math.max(1, endMs - startMs);
  if (!bars.length) return <Empty>No activities, timers, LLM calls or waits in this execution.</Empty>;
  return (
    <div class="card timeline" data-testid="timeline">
      <div class="timeline-scale">
        <span>{time(startMs)}</span>
        <span>{duration(span)}</span>
        <span>{time(endMs)}</span>
      </div>
      {omitted > 0 && <p class="dim small">{omitted} earlier bars not shown.</p>}
      {bars.map((b) => {
        const left = ((b.startMs - startMs) / span) * 100;
        const width = Math.max(0.4, (((b.endMs ?? endMs) - b.startMs) / span) * 100);
        return (
          <div class="tl-row" key={b.eventId} title={`${b.label} · ${b.status} · ${duration((b.endMs ?? Date.now()) - b.startMs)}`}>
            <span class="tl-label">
              <i class={`kind kind-${b.kind}`} />
              {oneLine(b.label, 40)}
              {b.attempt > 1 ? <span class="retry">retry {b.attempt - 1}</span> : null}
            </span>
            <span class="tl-track">
              <span class={`tl-bar tl-${b.kind} tl-${b.status}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} />
            </span>
            <span class="tl-dur">{b.endMs === null ? 'running' : duration(b.endMs - b.startMs)}</span>
          </div>
        );
      })}
    </div>
  );
}

function LedgerView({ detail }: { detail: Detail }) {
  const { calls, totals, budget } = detail.ledger;
  const [open, setOpen] = useState<number | null>(null);
  if (!calls.length) return <Empty>No LLM calls.</Empty>;
  return (
    <div class="card" data-testid="ledger">
      <div class="totals">
        <div>
          <b>{totals.calls}</b> calls
        </div>
        <div>
          <b>{tokens(totals.input)}</b> tokens in
        </div>
        <div>
          <b>{tokens(totals.output)}</b> tokens out
        </div>
        <div>
          <b>{usd(totals.costUsd)}</b> cost
        </div>
        {budget?.tokens && <Meter label="token budget" used={budget.tokens.used} limit={budget.tokens.limit} />}
        {budget?.usd && <Meter label="USD budget" used={budget.usd.used} limit={budget.usd.limit} />}
        {!budget && <div class="dim small">no budget recorded with this run</div>}
      </div>
      <table class="grid">
        <thead>
          <tr>
            <th>#</th>
            <th>Operation</th>
            <th>Provider / model</th>
            <th class="num">In</th>
            <th class="num">Out</th>
            <th class="num">Cost</th>
            <th class="num">Latency</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c, n) => (
            <>
              <tr key={`${c.executionId}-${c.eventId}`} onClick={() => setOpen(open === n ? null : n)} class="clickable">
                <td class="mono dim">
                  {c.executionId}.{c.eventId}
                </td>
                <td>
                  {c.operation} {c.reask && <span class="retry">re-ask</span>}
                </td>
                <td>
                  {c.provider} <span class="dim">{c.model ?? ''}</span>
                </td>
                <td class="num">{c.input}</td>
                <td class="num">{c.output}</td>
                <td class="num">{usd(c.costUsd)}</td>
                <td class="num">{duration(c.latencyMs)}</td>
                <td>
                  <span class={`state state-${c.status === 'ok' ? 'done' : c.status === 'failed' ? 'failed' : 'waiting'}`}>{c.status}</span>
                </td>
              </tr>
              {open === n && (
                <tr class="expanded">
                  <td colSpan={8}>
                    <div class="io">
                      <div>
                        <h5>Prompt</h5>
                        {c.prompt !== undefined ? <PromptView prompt={c.prompt} /> : <p class="dim small">Not recorded (run the runtime with recordPrompts: true).</p>}
                      </div>
                      <div>
                        <h5>{c.error ? 'Error' : 'Answer'}</h5>
                        <JsonBlock value={c.error ?? jsonText(c.answer)} />
                      </div>
                    </div>
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A recorded request: its system prompt, prompt and messages as text, the rest as JSON. */
function PromptView({ prompt }: { prompt: unknown }) {
  if (!prompt || typeof prompt !== 'object' || Array.isArray(prompt)) return <JsonBlock value={prompt} />;
  const { system, prompt: user, messages, ...rest } = prompt as { system?: unknown; prompt?: unknown; messages?: { role?: string; content?: unknown }[] };
  return (
    <>
      {typeof system === 'string' && (
        <>
          <h5>System</h5>
          <JsonBlock value={system} />
        </>
      )}
      {typeof user === 'string' && (
        <>
          <h5>User</h5>
          <JsonBlock value={user} />
        </>
      )}
      {Array.isArray(messages) &&
        messages.map((m, k) => (
          <div key={k}>
            <h5>{String(m.role ?? 'message')}</h5>
            <JsonBlock value={m.content} />
          </div>
        ))}
      {Object.keys(rest).length > 0 && (
        <>
          <h5>Options</h5>
          <JsonBlock value={rest} />
        </>
      )}
    </>
  );
}

/** A JSON answer (structured output) pretty-printed; any other text as it is. */
function jsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function Meter({ label, used, limit }: { label: string; used: number; limit: number }) {
  const pct = Math.min(100, (used / limit) * 100);
  return (
    <div class="meter" title={`${used} of ${limit}`}>
      <span class="small">
        {label}: {Math.round(pct)}%
      </span>
      <span class="meter-track">
        <span class={`meter-fill ${pct > 90 ? 'hot' : ''}`} style={{ width: `${pct}%` }} />
      </span>
    </div>
  );
}

function TranscriptView({ entries, output }: { entries: Detail['transcript'] & object; output: unknown }) {
  if (!entries.length) return <Empty>No iterations yet.</Empty>;
  const result = output && typeof output === 'object' && 'doneReason' in output ? (output as { doneReason: string; llmReason?: string; summary?: string; iterations?: number }) : null;
  const byIteration = new Map<number, typeof entries>();
  for (const e of entries) byIteration.set(e.iteration, [...(byIteration.get(e.iteration) ?? []), e]);
  return (
    <div class="transcript" data-testid="transcript">
      {[...byIteration].map(([n, list]) => (
        <div class="card iteration" key={n}>
          <h4>Iteration {n}</h4>
          {list.map((e, k) => (
            <div key={k} class={`entry entry-${e.kind}`}>
              {e.kind === 'plan' && (
                <>
                  <p class="thought"><span class="thought-label">Thought</span>{String(e.thought)}</p>
                  {(e.actions as { tool: string; id: string; params: unknown }[]).map((a) => (
                    <p key={a.id} class="mono small">
                      → {a.tool}#{a.id} {oneLine(a.params, 120)}
                    </p>
                  ))}
                  {e.done ? <p class="small">Stop: done</p> : null}
                </>
              )}
              {e.kind === 'result' && (
                <p class={`small ${e.ok ? '' : 'bad'}`}>
                  {e.ok ? '✓' : '✗'} {String(e.tool)}#{String(e.id)}: {oneLine(e.ok ? e.value : e.error, 200)}
                </p>
              )}
              {e.kind === 'approval' && (
                <p class="small">
                  {e.approved ? '✓ approved' : '✗ rejected'} {String(e.tool)}#{String(e.id)}
                  {e.reason ? ` — ${String(e.reason)}` : ''}
                </p>
              )}
              {(e.kind === 'rejected' || e.kind === 'invalid') && (
                <p class="small bad">
                  ✗ {String(e.tool)}#{String(e.id)} {e.kind}: {String(e.reason)}
                </p>
              )}
              {e.kind === 'omitted' && <p class="small dim">({String(e.count)} older entries compacted)</p>}
            </div>
          ))}
        </div>
      ))}
      {result && (
        <div class="card iteration stop" data-testid="stop-reason">
          <h4>Stopped</h4>
          <p>
            <b>{result.doneReason.replace('_', ' ')}</b>
            {result.llmReason ? ` (${result.llmReason})` : ''} after {result.iterations ?? '?'} iteration{result.iterations === 1 ? '' : 's'}
          </p>
          {result.summary && <p class="small">{result.summary}</p>}
        </div>
      )}
    </div>
  );
}

const HISTORY_PAGE = 200;

function HistoryView({ id, executionId, total }: { id: string; executionId: number; total: number }) {
  const [offset, setOffset] = useState(0);
  const [asJson, setAsJson] = useState(false);
  const [events, setEvents] = useState<HistoryEvent[]>([]);
  useEffect(() => {
    void get<{ events: HistoryEvent[] }>(`instances/${enc(id)}/history?execution=${executionId}&offset=${offset}&limit=${HISTORY_PAGE}`).then((r) => setEvents(r.events));
  }, [id, executionId, offset, total]);
  return (
    <div class="card" data-testid="history">
      <div class="history-bar">
        <button class={!asJson ? 'active' : ''} onClick={() => setAsJson(false)}>
          Table
        </button>
        <button class={asJson ? 'active' : ''} onClick={() => setAsJson(true)}>
          JSON
        </button>
        <span class="spacer" />
        <a href={`api/instances/${enc(id)}/history?execution=${executionId}`} target="_blank" rel="noreferrer">
          Full JSON ↗
        </a>
      </div>
      {asJson ? (
        <JsonBlock value={events} max={400_000} />
      ) : (
        <table class="grid history">
          <thead>
            <tr>
              <th>#</th>
              <th>Time</th>
              <th>Kind</th>
              <th>Details</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => {
              const { eventId, timestampMs, kind, ...rest } = e;
              return (
                <tr key={eventId}>
                  <td class="mono">{eventId}</td>
                  <td class="mono dim">{time(timestampMs)}</td>
                  <td>
                    <span class={`ev ev-${kind.replace(/(Completed|Fired|Event)$/, '-ok').replace(/Failed$/, '-bad')}`}>{kind}</span>
                  </td>
                  <td class="mono small">{oneLine(rest, 220)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {total > HISTORY_PAGE && (
        <div class="pager">
          <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - HISTORY_PAGE))}>
            ← Earlier
          </button>
          <span>
            {offset + 1}–{Math.min(total, offset + HISTORY_PAGE)} of {total}
          </span>
          <button disabled={offset + HISTORY_PAGE >= total} onClick={() => setOffset(offset + HISTORY_PAGE)}>
            Later →
          </button>
        </div>
      )}
    </div>
  );
}

function CancelDialog({ id, onClose, onDone }: { id: string; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title="Cancel instance" onClose={onClose}>
      <p>The instance and its running sub-orchestrations are cancelled at their next turn.</p>
      <label class="field">
        <span>Reason</span>
        <input value={reason} onInput={(e) => setReason(e.currentTarget.value)} placeholder="why" data-testid="cancel-reason" />
      </label>
      <ErrorNote error={error} />
      <footer>
        <button class="ghost" onClick={onClose}>
          Keep running
        </button>
        <button
          class="danger"
          data-testid="cancel-confirm"
          onClick={() =>
            post(`instances/${enc(id)}/cancel`, { reason }).then(
              () => {
                onClose();
                onDone();
              },
              (e: Error) => setError(e.message),
            )
          }
        >
          Cancel instance
        </button>
      </footer>
    </Dialog>
  );
}

function RaiseDialog({ id, suggested, onClose, onDone }: { id: string; suggested?: string; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState(suggested ?? '');
  const [text, setText] = useState('{}');
  const [error, setError] = useState<string | null>(null);
  const parsed = check(text);
  return (
    <Dialog title="Raise event" onClose={onClose}>
      <label class="field">
        <span>Event name</span>
        <input value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="event-name" />
      </label>
      <JsonEditor label="Data (JSON)" value={text} onInput={(t) => setText(t)} />
      <ErrorNote error={error} />
      <footer>
        <button class="ghost" onClick={onClose}>
          Close
        </button>
        <button
          disabled={!parsed.ok || !name}
          data-testid="event-send"
          onClick={() =>
            parsed.ok &&
            post(`instances/${enc(id)}/events`, { name, data: parsed.value }).then(
              () => {
                onClose();
                onDone();
              },
              (e: Error) => setError(e.message),
            )
          }
        >
          Send
        </button>
      </footer>
    </Dialog>
  );
}

export { navigate };
