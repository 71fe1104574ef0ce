/** Instances: counts per status, filters, a server-side page, live updates. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, onChange, STATUSES, type ListPage } from '../api';
import { Empty, ErrorNote, StatusPill } from '../components';
import { ago, oneLine, time, tokens, usd } from '../format';
import { href, navigate } from '../router';

const PAGE = 50;

export function InstancesPage({ query }: { query: URLSearchParams }) {
  const status = query.get('status') ?? '';
  const name = query.get('name') ?? '';
  const q = query.get('q') ?? '';
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const offset = Number(query.get('offset') ?? 0);
  const [page, setPage] = useState<ListPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState(q);
  const [nameText, setNameText] = useState(name);
  const timer = useRef<number | undefined>(undefined);

  const params = new URLSearchParams();
  if (status) params.set('status', status);
  if (name) params.set('name', name);
  if (q) params.set('q', q);
  if (from) params.set('from', String(Date.parse(from)));
  if (to) params.set('to', String(Date.parse(to)));
  params.set('limit', String(PAGE));
  params.set('offset', String(offset));
  const key = params.toString();

  useEffect(() => {
    let stop = false;
    const load = () =>
      get<ListPage>(`instances?${key}`).then(
        (p) => {
          if (stop) return;
          setPage(p);
          setError(null);
        },
        (e: Error) => !stop && setError(e.message),
      );
    void load();
    const off = onChange(() => {
      clearTimeout(timer.current);
      timer.current = window.setTimeout(load, 100);
    });
    return () => {
      stop = true;
      off();
    };
  }, [key]);

  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('offset' in changes)) next.delete('offset');
    navigate(href.instances(next));
  };
  const all = page ? Object.values(page.counts).reduce((a, b) => a + (b ?? 0), 0) : 0;

  return (
    <section>
      <div class="page-head">
        <h1>Instances</h1>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            go({ q: search.trim(), name: nameText.trim() });
          }}
        >
          <input type="search" placeholder="Search instance id" value={search} onInput={(e) => setSearch(e.currentTarget.value)} aria-label="Search instance id" />
          <input placeholder="Orchestration name" value={nameText} onInput={(e) => setNameText(e.currentTarget.value)} aria-label="Orchestration name" />
          <label class="range">
            from <input type="datetime-local" value={from} onChange={(e) => go({ from: e.currentTarget.value })} />
          </label>
          <label class="range">
            to <input type="datetime-local" value={to} onChange={(e) => go({ to: e.currentTarget.value })} />
          </label>
          <button type="submit">Filter</button>
        </form>
      </div>
      <div class="status-tabs" role="tablist">
        <a role="tab" class={!status ? 'active' : ''} href={href.instances(withStatus(query, ''))}>
          All <b>{all}</b>
        </a>
        {STATUSES.map((s) => (
          <a role="tab" key={s} data-testid={`count-${s}`} class={`${status === s ? 'active' : ''} tab-${s.toLowerCase()}`} href={href.instances(withStatus(query, s))}>
            {s} <b>{page?.counts[s] ?? 0}</b>
          </a>
        ))}
      </div>
      <ErrorNote error={error} />
      {page && page.instances.length === 0 ? (
        <Empty>No instances match these filters.</Empty>
      ) : (
        <table class="grid instances" data-testid="instances-table">
          <thead>
            <tr>
              <th>Status</th>
              <th>Instance</th>
              <th>Orchestration</th>
              <th>Created</th>
              <th>Updated</th>
              <th>Custom status</th>
              <th class="num">LLM tokens</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {page?.instances.map((i) => (
              <tr key={i.instanceId} data-instance={i.instanceId} onClick={() => navigate(href.instance(i.instanceId))}>
                <td>
                  <StatusPill status={i.status} />
                </td>
                <td class="mono">
                  <a href={href.instance(i.instanceId)} onClick={(e) => e.stopPropagation()}>
                    {oneLine(i.instanceId, 48)}
                  </a>
                </td>
                <td>
                  {i.name} <span class="dim">v{i.version ?? '?'}</span>
                </td>
                <td title={time(i.createdAtMs)}>{ago(i.createdAtMs)}</td>
                <td title={time(i.updatedAtMs)}>{ago(i.updatedAtMs)}</td>
                <td class="mono dim">{i.customStatus !== undefined ? oneLine(i.customStatus, 60) : ''}</td>
                <td class="num">{i.llm && i.llm.calls ? tokens(i.llm.input + i.llm.output) : ''}</td>
                <td class="num">{i.llm && i.llm.calls ? usd(i.llm.costUsd) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && page.total > PAGE && (
        <div class="pager">
          <button disabled={offset === 0} onClick={() => go({ offset: String(Math.max(0, offset - PAGE)) })}>
            ← Newer
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE, page.total)} of {page.total.toLocaleString()}
          </span>
          <button disabled={offset + PAGE >= page.total} onClick={() => go({ offset: String(offset + PAGE) })}>
            Older →
          </button>
        </div>
      )}
      {page && page.total <= PAGE && <p class="dim small">{page.total} instance{page.total === 1 ? '' : 's'}</p>}
    </section>
  );
}

function withStatus(query: URLSearchParams, status: string): URLSearchParams {
  const next = new URLSearchParams(query);
  if (status) next.set('status', status);
  else next.delete('status');
  next.delete('offset');
  return next;
}
