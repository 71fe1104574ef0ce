/**
 * Crash and pause points for tests, so crash tests are deterministic, not timed:
 * `DUROXIDE_KILL_AT=<point>[:<n>]` SIGKILLs this process the n-th time (default 1st) it
 * reaches `<point>`; `DUROXIDE_PAUSE_AT=<point>[:<n>]` SIGSTOPs it there instead (a frozen
 * worker: a test sends SIGCONT once another worker has taken its lease over).
 */
export type KillPoint =
  | 'before-turn-ack'
  | 'after-turn-ack'
  | 'before-activity-run'
  | 'before-activity-ack'
  | 'after-activity-ack'
  | 'after-activity-run'
  | 'before-llm-call'
  | 'before-llm-ack'
  | 'after-llm-ack';

function target(spec: string | undefined): { point?: string; count: number; reached: number } {
  const [point, count] = spec ? spec.split(':') : [];
  return { point, count: Number(count ?? 1), reached: 0 };
}

const kill = target(process.env.DUROXIDE_KILL_AT);
const pause = target(process.env.DUROXIDE_PAUSE_AT);

export function killPoint(point: KillPoint): void {
  if (point === kill.point && ++kill.reached >= kill.count) process.kill(process.pid, 'SIGKILL');
  if (point === pause.point && ++pause.reached === pause.count) process.kill(process.pid, 'SIGSTOP');
}
