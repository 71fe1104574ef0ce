/** Shared pieces: status pills, JSON blocks, the validating JSON editor, a dialog. */
import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Json, Status } from './api';
import { pretty } from './format';

export function StatusPill({ status }: { status: Status | string }) {
  return <span class={`pill pill-${status.toLowerCase()}`}>{status}</span>;
}

/** Any stored value, as text (never as HTML). */
export function JsonBlock({ value, max = 20_000 }: { value: Json | unknown; max?: number }) {
  const text = pretty(value);
  return <pre class="json">{text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text}</pre>;
}

export function JsonEditor({ value, onInput, label }: { value: string; onInput: (text: string, parsed: { ok: true; value: Json } | { ok: false; error: string }) => void; label: string }) {
  const result = useMemo(() => check(value), [value]);
  return (
    <label class="field">
      <span>{label}</span>
      <textarea class={`json-editor ${result.ok ? '' : 'invalid'}`} spellcheck={false} value={value} rows={6} onInput={(e) => onInput(e.currentTarget.value, check(e.currentTarget.value))} />
      <small class={result.ok ? 'ok' : 'error'} data-testid="json-check">
        {result.ok ? 'valid JSON' : result.error}
      </small>
    </label>
  );
}

export function check(text: string): { ok: true; value: Json } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(text) as Json };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

export function Dialog({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  useEffect(() => {
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    addEventListener('keydown', esc);
    return () => removeEventListener('keydown', esc);
  }, [onClose]);
  return (
    <div class="backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="dialog" role="dialog" aria-label={title}>
        <header>
          <h3>{title}</h3>
          <button class="ghost" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

export function ErrorNote({ error }: { error: string | null }) {
  return error ? (
    <div class="error-note" role="alert">
      {error}
    </div>
  ) : null;
}

export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
