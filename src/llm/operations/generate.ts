/** Free text: `ctx.generate(prompt)` and `ctx.generateWithSystem(system, prompt)`. */
import { ctxOperation, requireText } from './operation-spec.js';

export interface GenerateArgs {
  prompt: string;
  system?: string;
}

const text = {
  hashInput: (a: GenerateArgs) => ({ prompt: a.prompt, system: a.system ?? null }),
  buildRequest: (a: GenerateArgs) => ({ prompt: a.prompt, ...(a.system !== undefined ? { system: a.system } : {}) }),
  parse: (r: { text: string }) => ({ ok: true as const, value: r.text }),
  maxAttempts: () => 1,
};

export const generateSpec = ctxOperation({
  operation: 'generate',
  ctx: { arity: 1, fromCall: (prompt: string): GenerateArgs => ({ prompt: requireText(prompt, 'generate', 'prompt') }) },
  ...text,
});

export const generateWithSystemSpec = ctxOperation({
  operation: 'generateWithSystem',
  ctx: {
    arity: 2,
    fromCall: (system: string, prompt: string): GenerateArgs => ({
      system: requireText(system, 'generateWithSystem', 'system'),
      prompt: requireText(prompt, 'generateWithSystem', 'prompt'),
    }),
  },
  ...text,
});
