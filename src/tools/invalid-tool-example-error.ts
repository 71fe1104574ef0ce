/** A tool example that is not a valid call of its tool: the planner would copy a broken call. */
import { DuroxideError } from '../duroxide-error.js';

export class InvalidToolExampleError extends DuroxideError {
  constructor(activity: string, problem: string) {
    super(`Activity "${activity}": ${problem}. Fix the example, or the parameters schema, in its @activity / registerActivity definition.`);
  }
}
