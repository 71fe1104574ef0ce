/** Start an orchestration by name with JSON input. */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api';
import { ErrorNote, JsonEditor, check } from '../components';
import type { Meta } from '../main';
import { href, navigate } from '../router';

export function StartPage({ meta }: { meta: Meta }) {
  const [names, setNames] = useState<string[]>([]);
  const [name, setName] = useState('');
  const [id, setId] = useState('');
  const [text, setText] = useState('{}');
  const [error, setError] = useState<string | null>(null);
  useEffect(() => void get<{ orchestrations: string[] }>('orchestrations').then((r) => setNames(r.orchestrations), () => {}), []);
  const parsed = check(text);
  if (meta.readOnly) return <p class="dim">This console is read-only.</p>;
  return (
    <section class="card narrow-card">
      <h1>Start an orchestration</h1>
      <label class="field">
        <span>Name</span>
        <input list="orchestration-names" value={name} onInput={(e) => setName(e.currentTarget.value)} data-testid="start-name" />
        <datalist id="orchestration-names">
          {names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </label>
      <label class="field">
        <span>Instance id (optional)</span>
        <input value={id} onInput={(e) => setId(e.currentTarget.value)} />
      </label>
      <JsonEditor label="Input (JSON)" value={text} onInput={(t) => setText(t)} />
      <ErrorNote error={error} />
      <footer>
        <button
          class="primary"
          disabled={!parsed.ok || !name}
          data-testid="start-send"
          onClick={() =>
            parsed.ok &&
            post<{ instanceId: string }>('instances', { name, input: parsed.value, ...(id ? { instanceId: id } : {}) }).then(
              (r) => navigate(href.instance(r.instanceId)),
              (e: Error) => setError(e.message),
            )
          }
        >
          Start
        </button>
      </footer>
    </section>
  );
}
