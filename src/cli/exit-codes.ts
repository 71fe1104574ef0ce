/** Exit codes of the instances and approvals commands, for scripts to test. */
export const EXIT = {
  ok: 0,
  /** The store could not be read or written, or something else went wrong. */
  error: 1,
  /** Bad arguments. */
  usage: 2,
  /** No such instance (or, for approvals, no such pending action). */
  notFound: 3,
  /** The instance is not in a state that allows it (e.g. not waiting for that approval). */
  conflict: 4,
} as const;
