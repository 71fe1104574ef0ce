/**
 * `finally` runs on every exit from its try/catch, in the graph: each exit reaches the finally
 * steps, and goes on where it was going afterwards (End, the error, the loop, the outer catch).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractOrchestrations } from '../../src/diagram/extractor.js';
import type { OrchestrationFlow } from '../../src/diagram/flow-graph.js';
import { FIXTURES } from './diagram-project.js';

const flows = extractOrchestrations(readFileSync(join(FIXTURES, 'finally-paths.ts'), 'utf8'), 'finally-paths.ts').flows;
const byName = (name: string) => flows.find((f) => f.name === name)!;

/** Edge labels from the node labelled `from` to the node labelled `to` (`End`, `throw`, an activity). */
function edges(flow: OrchestrationFlow, from: string, to: string): string[] {
  const id = (label: string) => flow.graph.nodes.filter((n) => n.label === label).map((n) => n.id);
  return flow.graph.edges.filter((e) => id(from).includes(e.from) && id(to).includes(e.to)).map((e) => e.label ?? '');
}

/** Whether `to` is reachable from `from` through any nodes. */
function reaches(flow: OrchestrationFlow, from: string, to: string): boolean {
  const start = flow.graph.nodes.filter((n) => n.label === from).map((n) => n.id);
  const goal = new Set(flow.graph.nodes.filter((n) => n.label === to).map((n) => n.id));
  const seen = new Set<string>();
  const queue = flow.graph.edges.filter((e) => start.includes(e.from)).map((e) => e.to);
  while (queue.length) {
    const x = queue.shift()!;
    if (goal.has(x)) return true;
    if (seen.has(x)) continue;
    seen.add(x);
    queue.push(...flow.graph.edges.filter((e) => e.from === x).map((e) => e.to));
  }
  return false;
}

describe('finally on every exit', () => {
  const lease = byName('LeaseRenewal');

  it('normal completion, return in try, return and throw in catch, and a failing step in catch all run the finally', () => {
    expect(edges(lease, 'renewLeases', 'releaseLock')).toEqual(['']); // completion
    expect(edges(lease, 'input.dryRun', 'releaseLock')).toEqual(['yes, return']); // return in try
    expect(edges(lease, 'input.leases.length === 0', 'releaseLock').sort()).toEqual(['no, throw', 'yes, return']); // return and throw in catch
    expect(edges(lease, 'reportFailure', 'releaseLock')).toEqual(['fails']); // a failure no catch handles
    expect(edges(lease, 'renewLeases', 'on error')).toEqual(['fails']); // the catch itself
  });

  it('after the finally, each exit goes on: the return to End, the throw to the error, completion to the loop', () => {
    expect(edges(lease, 'releaseLock', 'End')).toEqual(['then return']);
    expect(edges(lease, 'releaseLock', 'throw')).toEqual(['rethrow']);
    expect(edges(lease, 'releaseLock', 'for each lease')).toEqual(['']);
    expect(reaches(lease, 'input.dryRun', 'notifyOwner')).toBe(true); // the dry run's "no" path
  });

  it('break and continue out of a loop body run the finally, then leave or repeat the loop', () => {
    expect(edges(lease, '!ok', 'recordAudit')).toEqual(['yes, continue']);
    expect(edges(lease, 'lease === "last"', 'recordAudit').sort()).toEqual(['no', 'yes, break']); // completion and break
    expect(edges(lease, 'verifyLease', 'recordAudit')).toEqual(['fails']);
    expect(edges(lease, 'recordAudit', 'for each lease').sort()).toEqual(['repeat', 'then continue']);
    expect(edges(lease, 'recordAudit', 'notifyOwner')).toEqual(['then break']);
    expect(edges(lease, 'recordAudit', 'throw')).toEqual(['rethrow']);
  });

  it('through nested trys: the inner finally runs, then the outer catch; a failure without catch fails the flow after the finally', () => {
    const cleanup = byName('ScratchCleanup');
    expect(edges(cleanup, 'createScratch', 'deleteScratch').sort()).toEqual(['', 'fails']);
    expect(edges(cleanup, 'deleteScratch', 'on error').sort()).toEqual(['fails', 'rethrow']);
    expect(edges(cleanup, 'on error', 'alertOps')).toEqual(['compensate']);
    expect(edges(cleanup, 'finalize', 'wait 1min').sort()).toEqual(['', 'fails']);
    expect(edges(cleanup, 'wait 1min', 'throw')).toEqual(['rethrow']);
    expect(edges(cleanup, 'wait 1min', 'End')).toEqual(['']);
  });
});
