/**
 * Crash points for tests: `DUROXIDE_KILL_AT=<point>[:<n>]` SIGKILLs this process the n-th
 * time (default 1st) it reaches `<point>`, so crash tests are deterministic, not timed.
 *
 * Points: before-turn-ack, after-turn-ack, before-activity-ack, after-activity-ack,
 * before-llm-ack, after-llm-ack, after-activity-run.
 */
export type KillPoint =
  | 'before-turn-ack'
  | 'after-turn-ack'
  | 'before-activity-ack'
  | 'after-activity-ack'
  | 'after-activity-run'
  | 'before-llm-ack'
  | 'after-llm-ack';

const spec = process.env.DUROXIDE_KILL_AT;
const [targetPoint, targetCount] = spec ? spec.split(':') : [];
let reached = 0;

export function killPoint(point: KillPoint): void {
  if (point !== targetPoint) return;
  if (++reached >= Number(targetCount ?? 1)) process.kill(process.pid, 'SIGKILL');
}
