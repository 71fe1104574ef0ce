/** `ctx.generateValidated(prompt, validator, maxAttempts)`: re-asks with the validator's message. */
import { withFeedback, type OperationSpec } from './operation-spec.js';

export interface ValidatedArgs {
  prompt: string;
  system?: string;
  maxAttempts: number;
}

/** A validator returns true to accept, or a message saying what to fix. */
export type TextValidator = (text: string) => true | string | Promise<true | string>;

export const generateValidatedSpec: OperationSpec<ValidatedArgs, string> = {
  operation: 'generateValidated',
  hashInput: (a) => ({ prompt: a.prompt, system: a.system ?? null, maxAttempts: a.maxAttempts }),
  buildRequest: (a, _attempt, feedback) => ({ prompt: withFeedback(a.prompt, feedback), ...(a.system !== undefined ? { system: a.system } : {}) }),
  // Validation happens in the orchestration with the caller's validator.
  parse: (r) => ({ ok: true, value: r.text }),
  maxAttempts: (a) => a.maxAttempts,
};
