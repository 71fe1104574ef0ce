/** The timeline: activities, timers, LLM calls and waits as bars in time, retries marked. */
import type { Detail } from '../api';
import { Empty } from '../components';
import { duration, oneLine, time } from '../format';

export function TimelineView({ detail }: { detail: Detail }) {
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
