/** Every LLM operation spec is a ctx method and is drawn by the extractor: one list, no copies. */
import { describe, expect, it } from 'vitest';
import { LLM_OPERATION_NAMES } from '../../src/llm/operation-names.js';
import { LLM_OPS } from '../../src/diagram/flow-walker.js';
import { OrchestrationContextImpl } from '../../src/runtime/orchestration-context.js';

describe('LLM operation names', () => {
  it('come from the specs, each is a method of the context, and the extractor uses the same set', () => {
    expect([...LLM_OPERATION_NAMES].sort()).toEqual(
      ['classify', 'extractFeatures', 'generate', 'generateStructured', 'generateValidated', 'generateWithContext', 'generateWithSystem', 'ifTrue', 'sentiment', 'summarize'],
    );
    for (const name of LLM_OPERATION_NAMES) expect(typeof (OrchestrationContextImpl.prototype as unknown as Record<string, unknown>)[name], name).toBe('function');
    expect(LLM_OPS).toBe(LLM_OPERATION_NAMES);
  });
});
