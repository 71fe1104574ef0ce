/** The `onWork` listeners of one store object: told which queue may have new visible work. */
import type { WorkItem } from '../runtime/messages.js';
import type { QueueName } from './store.js';

export class WorkListeners {
  private readonly listeners = new Set<(queue: QueueName) => void>();

  /** Adds a listener; returns the function that removes it (the `Store.onWork` contract). */
  add(listener: (queue: QueueName) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  notify(queue: QueueName): void {
    for (const l of this.listeners) l(queue);
  }

  /** Notifies each queue the items went to, once. */
  notifyQueuesOf(items: WorkItem[]): void {
    for (const queue of new Set(items.map((w) => w.queue))) this.notify(queue);
  }

  clear(): void {
    this.listeners.clear();
  }
}
