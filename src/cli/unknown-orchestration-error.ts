/** An orchestration named with --name that the sources do not define. */
export class UnknownOrchestrationError extends Error {
  constructor(name: string, known: string[]) {
    super(`no orchestration named "${name}" (found: ${known.join(', ') || 'none'}); check --name and the paths given`);
    this.name = 'UnknownOrchestrationError';
  }
}
