/** The events of the step clicked on the diagram: input, result or error, attempts, durations. */
import { useEffect, useState } from 'preact/hooks';
import { enc, get, type Detail, type HistoryEvent } from '../api';
import { JsonBlock } from '../components';
import { duration, time } from '../format';
import { href } from '../router';

export function StepPanel({ detail, nodeId }: { detail: Detail; nodeId: string | null }) {
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
