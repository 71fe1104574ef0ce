/** One instance: header, its diagram with the run overlaid, timeline, LLM ledger, transcript, raw history. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { enc, get, onChange, type Detail, type Wait } from '../api';
import { Empty, ErrorNote, JsonBlock, StatusPill } from '../components';
import { Diagram } from '../diagram';
import { oneLine, time, tokens, usd } from '../format';
import { HistoryView } from '../instance/history-view';
import { CancelDialog, RaiseDialog } from '../instance/instance-dialogs';
import { LedgerView } from '../instance/ledger-view';
import { StepPanel } from '../instance/step-panel';
import { TimelineView } from '../instance/timeline-view';
import { TranscriptView } from '../instance/transcript-view';
import type { Meta } from '../main';
import { href } from '../router';
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
        {detail.historySize.warning && (
          <div class="history-warning" role="alert" data-testid="history-warning">
            <b>{detail.historySize.warning.message}</b> {detail.historySize.warning.hint}
          </div>
        )}
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
