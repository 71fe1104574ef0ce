/**
 * The orchestration's diagram with the run overlaid. Mermaid (bundled, strict security) draws
 * the IR's flowchart; states, counts and clicks are then put on the SVG nodes through the DOM
 * (classes, textContent), so nothing from the run ever enters mermaid's source text.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Detail, NodeRun } from './api';

type Mermaid = typeof import('mermaid').default;
let loading: Promise<Mermaid> | null = null;

function loadMermaid(): Promise<Mermaid> {
  return (loading ??= import('mermaid').then((m) => {
    m.default.initialize({
      startOnLoad: false,
      securityLevel: 'strict',
      // Labels as SVG text, never HTML (foreignObject).
      htmlLabels: false,
      theme: 'base',
      flowchart: { htmlLabels: false, curve: 'basis', nodeSpacing: 36, rankSpacing: 44 },
      themeVariables: {
        fontFamily: 'Inter, ui-sans-serif, system-ui, sans-serif',
        fontSize: '14px',
        primaryColor: '#ffffff',
        primaryBorderColor: '#c8cfdb',
        primaryTextColor: '#1d2433',
        lineColor: '#9aa4b5',
      },
    });
    return m.default;
  }));
}

const mermaidId = (id: string) => (id === 'end' ? 'finish' : id);

const STATE_TEXT: Record<string, string> = {
  done: 'done',
  waiting: 'waiting now',
  failed: 'failed',
  cancelled: 'cancelled (lost a race or never finished)',
  passed: 'passed',
  not_taken: 'not taken',
  pending: 'not reached yet',
};

let seq = 0;

export function Diagram({ detail, selected, onSelect }: { detail: Detail; selected: string | null; onSelect: (nodeId: string) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const diagram = detail.diagram!;
  const overlay = detail.overlay!;

  useEffect(() => {
    let stop = false;
    setReady(false);
    void loadMermaid()
      .then((mermaid) => mermaid.render(`dx-diagram-${++seq}`, diagram.mermaid))
      .then(({ svg }) => {
        if (stop || !host.current) return;
        host.current.innerHTML = svg; // mermaid's own sanitised SVG of our IR text
        setReady(true);
      })
      .catch((e: Error) => !stop && setError(e.message));
    return () => {
      stop = true;
    };
  }, [diagram.mermaid]);

  useEffect(() => {
    const root = host.current;
    if (!ready || !root) return;
    for (const n of diagram.graph.nodes) {
      const g = root.querySelector<SVGGElement>(`g.node[id*="flowchart-${CSS.escape(mermaidId(n.id))}-"]`);
      if (!g) continue;
      const run: NodeRun | undefined = overlay.nodes[n.id];
      const state = run?.state ?? 'pending';
      g.setAttribute('data-node-id', n.id);
      g.setAttribute('data-state', state);
      g.setAttribute('class', `${(g.getAttribute('class') ?? '').replace(/\bov-\S+/g, '').trim()} ov-${state}${selected === n.id ? ' ov-selected' : ''}`);
      let title = g.querySelector<SVGTitleElement>('title');
      if (!title) {
        title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        g.prepend(title);
      }
      title.textContent = `${n.label ?? n.name ?? n.kind}: ${STATE_TEXT[state]}${run && run.count > 1 ? ` · ${run.count} runs` : ''}${run && run.attempts > run.count ? ` · ${run.attempts} attempts` : ''}`;
      g.querySelector('.ov-badge')?.remove();
      if (run && (run.count > 1 || run.attempts > run.count)) {
        const box = (g as SVGGraphicsElement).getBBox();
        const badge = document.createElementNS('http://www.w3.org/2000/svg', 'g');
        badge.setAttribute('class', 'ov-badge');
        const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
        text.textContent = run.count > 1 ? `×${run.count}` : `${run.attempts} tries`;
        text.setAttribute('x', String(box.x + box.width - 2));
        text.setAttribute('y', String(box.y + 2));
        const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
        badge.append(bg, text);
        g.append(badge);
        const t = text.getBBox();
        bg.setAttribute('x', String(t.x - 5));
        bg.setAttribute('y', String(t.y - 1));
        bg.setAttribute('width', String(t.width + 10));
        bg.setAttribute('height', String(t.height + 2));
        bg.setAttribute('rx', '8');
      }
      if (run && run.eventIds.length) {
        g.style.cursor = 'pointer';
        g.onclick = () => onSelect(n.id);
      }
    }
  }, [ready, overlay, selected, diagram.graph, onSelect]);

  return (
    <div class="diagram-wrap">
      {error ? <div class="error-note">Could not draw the diagram: {error}</div> : null}
      <div class="diagram" ref={host} data-testid="diagram" data-for={detail.instance.instanceId} data-ready={ready ? 'true' : 'false'} />
      <div class="legend">
        {(['done', 'waiting', 'failed', 'cancelled', 'not_taken', 'pending'] as const).map((s) => (
          <span key={s} class={`legend-item ov-${s}`}>
            <i /> {STATE_TEXT[s]}
          </span>
        ))}
        <span class="dim small">
          matched by {overlay.matchedBy === 'site' ? 'code site' : overlay.matchedBy === 'name' ? 'name and order (no code sites recorded)' : overlay.matchedBy} · diagram from {diagram.source === 'store' ? 'the store' : '--source'}
          {diagram.otherVersion ? ` (version ${diagram.version}, not the instance's)` : ''}
        </span>
      </div>
    </div>
  );
}
