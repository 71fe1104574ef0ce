/** The LLM ledger: every call with tokens, cost, latency and re-asks; prompts and answers; totals and budget. */
import { useState } from 'preact/hooks';
import type { Detail } from '../api';
import { Empty, JsonBlock } from '../components';
import { duration, tokens, usd } from '../format';

export function LedgerView({ detail }: { detail: Detail }) {
  const { calls, totals, budget } = detail.ledger;
  const [open, setOpen] = useState<number | null>(null);
  if (!calls.length) return <Empty>No LLM calls.</Empty>;
  return (
    <div class="card" data-testid="ledger">
      <div class="totals">
        <div>
          <b>{totals.calls}</b> calls
        </div>
        <div>
          <b>{tokens(totals.input)}</b> tokens in
        </div>
        <div>
          <b>{tokens(totals.output)}</b> tokens out
        </div>
        <div>
          <b>{usd(totals.costUsd)}</b> cost
        </div>
        {budget?.tokens && <Meter label="token budget" used={budget.tokens.used} limit={budget.tokens.limit} />}
        {budget?.usd && <Meter label="USD budget" used={budget.usd.used} limit={budget.usd.limit} />}
        {!budget && <div class="dim small">no budget recorded with this run</div>}
      </div>
      <table class="grid">
        <thead>
          <tr>
            <th>#</th>
            <th>Operation</th>
            <th>Provider / model</th>
            <th class="num">In</th>
            <th class="num">Out</th>
            <th class="num">Cost</th>
            <th class="num">Latency</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((c, n) => (
            <>
              <tr key={`${c.executionId}-${c.eventId}`} onClick={() => setOpen(open === n ? null : n)} class="clickable">
                <td class="mono dim">
                  {c.executionId}.{c.eventId}
                </td>
                <td>
                  {c.operation} {c.reask && <span class="retry">re-ask</span>}
                </td>
                <td>
                  {c.provider} <span class="dim">{c.model ?? ''}</span>
                </td>
                <td class="num">{c.input}</td>
                <td class="num">{c.output}</td>
                <td class="num">{usd(c.costUsd)}</td>
                <td class="num">{duration(c.latencyMs)}</td>
                <td>
                  <span class={`state state-${c.status === 'ok' ? 'done' : c.status === 'failed' ? 'failed' : 'waiting'}`}>{c.status}</span>
                </td>
              </tr>
              {open === n && (
                <tr class="expanded">
                  <td colSpan={8}>
                    <div class="io">
                      <div>
                        <h5>Prompt</h5>
                        {c.prompt !== undefined ? <PromptView prompt={c.prompt} /> : <p class="dim small">Not recorded (run the runtime with recordPrompts: true).</p>}
                      </div>
                      <div>
                        <h5>{c.error ? 'Error' : 'Answer'}</h5>
                        <JsonBlock value={c.error ?? jsonText(c.answer)} />
                      </div>
                    </div>
                  </td>
                </tr>
              )}
            </>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A recorded request: its system prompt, prompt and messages as text, the rest as JSON. */
function PromptView({ prompt }: { prompt: unknown }) {
  if (!prompt || typeof prompt !== 'object' || Array.isArray(prompt)) return <JsonBlock value={prompt} />;
  const { system, prompt: user, messages, ...rest } = prompt as { system?: unknown; prompt?: unknown; messages?: { role?: string; content?: unknown }[] };
  return (
    <>
      {typeof system === 'string' && (
        <>
          <h5>System</h5>
          <JsonBlock value={system} />
        </>
      )}
      {typeof user === 'string' && (
        <>
          <h5>User</h5>
          <JsonBlock value={user} />
        </>
      )}
      {Array.isArray(messages) &&
        messages.map((m, k) => (
          <div key={k}>
            <h5>{String(m.role ?? 'message')}</h5>
            <JsonBlock value={m.content} />
          </div>
        ))}
      {Object.keys(rest).length > 0 && (
        <>
          <h5>Options</h5>
          <JsonBlock value={rest} />
        </>
      )}
    </>
  );
}

/** A JSON answer (structured output) pretty-printed; any other text as it is. */
function jsonText(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
}

function Meter({ label, used, limit }: { label: string; used: number; limit: number }) {
  const pct = Math.min(100, (used / limit) * 100);
  return (
    <div class="meter" title={`${used} of ${limit}`}>
      <span class="small">
        {label}: {Math.round(pct)}%
      </span>
      <span class="meter-track">
        <span class={`meter-fill ${pct > 90 ? 'hot' : ''}`} style={{ width: `${pct}%` }} />
      </span>
    </div>
  );
}
