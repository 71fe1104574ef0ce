/** The agent's transcript across executions: thoughts, actions, results, approvals, rejections, the stop reason. */
import type { Detail } from '../api';
import { Empty } from '../components';
import { oneLine } from '../format';

export function TranscriptView({ entries, output }: { entries: Detail['transcript'] & object; output: unknown }) {
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
