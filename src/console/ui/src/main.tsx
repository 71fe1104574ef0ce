/** The console's browser app: instances, one instance (diagram with the run overlaid), approvals. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, onChangeThrottled } from './api';
import { ApprovalsPage } from './pages/approvals';
import { InstancePage } from './pages/instance';
import { InstancesPage } from './pages/instances';
import { StartPage } from './pages/start';
import { href, useRoute } from './router';
import './styles.css';

export interface Meta {
  readOnly: boolean;
}

function App() {
  const route = useRoute();
  const [meta, setMeta] = useState<Meta>({ readOnly: true });
  const [pending, setPending] = useState<number | null>(null);
  useEffect(() => {
    void get<Meta>('meta').then(setMeta, () => {});
  }, []);
  useEffect(() => {
    let stop = false;
    const load = () => void get<{ waits: unknown[] }>('approvals').then((r) => !stop && setPending(r.waits.length), () => {});
    load();
    const off = onChangeThrottled(load, 1000);
    return () => {
      stop = true;
      off();
    };
  }, []);
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href.instances()}>
          <span class="logo" aria-hidden="true">
            ◆
          </span>
          duroxide<span class="dim">·llm</span> <span class="dim">console</span>
        </a>
        <nav>
          <a class={route.page === 'instances' || route.page === 'instance' ? 'active' : ''} href={href.instances()}>
            Instances
          </a>
          <a class={route.page === 'approvals' ? 'active' : ''} href={href.approvals()} data-testid="nav-approvals">
            Approvals {pending ? <span class="badge">{pending}</span> : null}
          </a>
          {!meta.readOnly && (
            <a class={route.page === 'start' ? 'active' : ''} href={href.start()}>
              Start
            </a>
          )}
        </nav>
        <span class="live" title="Live updates from the store">
          <i /> live{meta.readOnly ? ' · read-only' : ''}
        </span>
      </header>
      <main>
        {route.page === 'instances' && <InstancesPage query={route.query} />}
        {route.page === 'instance' && <InstancePage key={route.id} id={route.id} query={route.query} meta={meta} />}
        {route.page === 'approvals' && <ApprovalsPage meta={meta} />}
        {route.page === 'start' && <StartPage meta={meta} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
