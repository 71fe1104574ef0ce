/** Free text: `ctx.generate(prompt)` and `ctx.generateWithSystem(system, prompt)`. */
import type { OperationSpec } from './operation-spec.js';

export interface GenerateArgs {
  prompt: string;
  system?: string;
}

export const generateSpec: OperationSpec<GenerateArgs, string> = {
  operation: 'generate',
  hashInput: (a) => ({ prompt: a.prompt, system: a.system ?? null }),
  buildRequest: (a) => ({ prompt: a.prompt, ...(a.system !== undefined ? { system: a.system } : {}) }),
  parse: (r) => ({ ok: true, value: r.text }),
  maxAttempts: () => 1,
};

export const generateWithSystemSpec: OperationSpec<GenerateArgs, string> = { ...generateSpec, operation: 'generateWithSystem' };
