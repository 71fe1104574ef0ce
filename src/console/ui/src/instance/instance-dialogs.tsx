/** Cancel (with a reason) and raise an event (JSON checked before sending). */
import { useState } from 'preact/hooks';
import { enc, post } from '../api';
import { Dialog, ErrorNote, JsonEditor, check } from '../components';

export function CancelDialog({ id, onClose, onDone }: { id: string; onClose: () => void; onDone: () => void }) {
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

export function RaiseDialog({ id, suggested, onClose, onDone }: { id: string; suggested?: string; onClose: () => void; onDone: () => void }) {
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
          class="primary"
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
