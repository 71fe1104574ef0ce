/**
 * An AbortSignal made only when someone asks for it: most work never looks at its signal,
 * and an AbortController per activity costs more than a short activity. Aborting before the
 * signal exists is remembered, so a signal made later is already aborted, with the reason.
 */
export class LazyAbort {
  private controller: AbortController | null = null;
  private reason: unknown = undefined;
  private stopped = false;

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.stopped) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  get aborted(): boolean {
    return this.stopped;
  }

  abort(reason: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}
