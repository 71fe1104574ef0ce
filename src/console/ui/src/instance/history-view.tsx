/** The raw history of one execution, a page at a time, as a table or JSON. */
import { useEffect, useState } from 'preact/hooks';
import { enc, get, type HistoryEvent } from '../api';
import { JsonBlock } from '../components';
import { oneLine, time } from '../format';

const HISTORY_PAGE = 200;

export function HistoryView({ id, executionId, total }: { id: string; executionId: number; total: number }) {
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
