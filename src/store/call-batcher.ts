/**
 * Group commit for a database server: calls of one kind made while the event loop is busy
 * (the turn commits of many instances, say) go to the server together, in one round trip and
 * one transaction, when the burst yields (burst.ts says when). A lone call goes as it is. Each
 * caller gets its own result or error: the server runs every call in its own subtransaction.
 */
import { Burst } from './burst.js';

interface PendingCall<A, R> {
  args: A;
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
}

export interface BatchedCall<A, R> {
  /** Runs one call in its own round trip. */
  one(args: A): Promise<R>;
  /** Runs several in one round trip: a result or an Error for each, in order. */
  many(args: A[]): Promise<(R | Error)[]>;
}

export class CallBatcher<A, R> {
  private readonly pending = new Burst<PendingCall<A, R>>((group) => void this.send(group));

  constructor(private readonly calls: BatchedCall<A, R>) {}

  call(args: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.add({ args, resolve, reject });
    });
  }

  private async send(group: PendingCall<A, R>[]): Promise<void> {
    if (group.length === 1) {
      const [c] = group;
      await this.calls.one(c.args).then(c.resolve, c.reject);
      return;
    }
    try {
      const results = await this.calls.many(group.map((c) => c.args));
      group.forEach((c, i) => (results[i] instanceof Error ? c.reject(results[i]) : c.resolve(results[i] as R)));
    } catch (err) {
      for (const c of group) c.reject(err); // the round trip itself failed: nothing was committed
    }
  }
}
