/**
 * The build step's name check: every activity and sub-orchestration an orchestration schedules
 * must be defined somewhere in the scanned sources (`@activity`, `registerActivity`,
 * `@orchestration`, `registerOrchestration`, a generator orchestration), else the call fails at
 * run time. Events are often raised from outside the code (a client in another service, the
 * console), so an event nothing raises is reported only when it is a near miss of one the
 * project does raise (`raiseEvent(…, 'name')`): a typo, not an external event.
 */
import { closestNames, orList } from './closest-names.js';
import type { DefinedNames } from './extractor.js';
import type { FlowNode, OrchestrationFlow } from './flow-graph.js';

export interface ProjectNames {
  activities: Set<string>;
  orchestrations: Set<string>;
  events: Set<string>;
}

/** What the project defines: from every file's extraction, plus names declared as external. */
export function projectNames(extracted: { flows: OrchestrationFlow[]; activities: Map<string, unknown>; defines?: DefinedNames }[], external: string[] = []): ProjectNames {
  const names: ProjectNames = { activities: new Set(external), orchestrations: new Set(external), events: new Set(external) };
  for (const e of extracted) {
    for (const a of e.activities.keys()) names.activities.add(a);
    for (const f of e.flows) names.orchestrations.add(f.name);
    for (const o of e.defines?.orchestrations ?? []) names.orchestrations.add(o);
    for (const ev of e.defines?.raisedEvents ?? []) names.events.add(ev);
  }
  return names;
}

/** The walker's names for a call whose name is computed: not a name anyone could define. */
const PLACEHOLDER: Partial<Record<FlowNode['kind'], string>> = { activity: 'activity', sub_orchestration: 'sub-orchestration', event: 'event' };

/** One message per orchestration and unknown name, at its first call site (`file:line: …`). */
export function checkNames(flows: OrchestrationFlow[], names: ProjectNames): string[] {
  const out: string[] = [];
  for (const flow of flows) {
    const seen = new Set<string>();
    for (const n of flow.graph.nodes) {
      if (!n.name || n.name === PLACEHOLDER[n.kind] || seen.has(`${n.kind}\0${n.name}`)) continue;
      const message = unknownName(flow, n, names);
      if (!message) continue;
      seen.add(`${n.kind}\0${n.name}`);
      out.push(`${flow.file}${n.line ? `:${n.line}` : ''}: ${message}`);
    }
  }
  return out;
}

function unknownName(flow: OrchestrationFlow, n: FlowNode, names: ProjectNames): string | undefined {
  const name = n.name!;
  const who = `orchestration "${flow.name}"`;
  if (n.kind === 'activity' && !names.activities.has(name)) {
    return `${who} schedules activity "${name}", which nothing in the project defines (no @activity or registerActivity with that name)${hint(name, names.activities)}`;
  }
  if (n.kind === 'sub_orchestration' && !names.orchestrations.has(name)) {
    return `${who} starts sub-orchestration "${name}", which nothing in the project defines (no @orchestration or registerOrchestration with that name)${hint(name, names.orchestrations)}`;
  }
  if (n.kind === 'event' && !names.events.has(name)) {
    const near = closestNames(name, names.events);
    if (near.length) return `${who} waits for event "${name}", which nothing in the project raises; did you mean ${orList(near)}?`;
  }
  return undefined;
}

function hint(name: string, known: Set<string>): string {
  const near = closestNames(name, known);
  if (near.length) return `; did you mean ${orList(near)}?`;
  return known.size ? ` (known: ${quoted([...known].sort().slice(0, 8), ', ')}${known.size > 8 ? ', …' : ''})` : '';
}

const quoted = (list: string[], sep = ' or ') => list.map((x) => `"${x}"`).join(sep);
