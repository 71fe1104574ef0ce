/**
 * The names of the LLM operations the orchestration context offers (`ctx.classify`, …), read
 * from the operation specs: the diagram extractor draws exactly these as LLM steps, so a new
 * spec is drawn without a second list to keep in step.
 */
import * as ops from './operations/index.js';
import type { OperationSpec } from './operations/operation-spec.js';

function isSpec(value: unknown): value is OperationSpec<unknown, unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { operation?: unknown }).operation === 'string' && 'buildRequest' in value;
}

export const LLM_OPERATION_NAMES: ReadonlySet<string> = new Set(Object.values(ops).filter(isSpec).map((s) => s.operation));
