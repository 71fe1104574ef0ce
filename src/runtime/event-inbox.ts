/**
 * Delivered-but-unconsumed events and pending waits, by name, both first-in first-out:
 * an event goes to the oldest wait still pending, or waits itself for the next one. A wait
 * that lost a race is dropped, so the next event of that name goes to the next wait.
 * Used for external events (waitForEvent) and, separately, for event queues (dequeueEvent).
 */
import type { Task } from './durable-task.js';
import type { Json } from './history.js';

export interface BufferedEvent {
  name: string;
  data: Json;
  /** Position in history: orders events of different names. */
  seq: number;
}

export class EventInbox {
  private readonly byName = new Map<string, { buffered: BufferedEvent[]; waiters: Task<Json>[] }>();

  /** Delivers an event; true when a pending wait took it. */
  deliver(event: BufferedEvent): boolean {
    const slot = this.slot(event.name);
    const waiter = slot.waiters.shift();
    if (!waiter) {
      slot.buffered.push(event);
      return false;
    }
    waiter.resolve(event.data);
    return true;
  }

  /** Adds a wait; true when a buffered event satisfied it at once. */
  subscribe(name: string, task: Task<Json>): boolean {
    const slot = this.slot(name);
    const event = slot.buffered.shift();
    if (!event) {
      slot.waiters.push(task);
      return false;
    }
    task.resolve(event.data);
    return true;
  }

  /** Removes a pending wait (it lost a race); true when it was pending. */
  drop(name: string, task: Task<Json>): boolean {
    const waiters = this.byName.get(name)?.waiters;
    const i = waiters?.indexOf(task) ?? -1;
    if (i < 0) return false;
    waiters!.splice(i, 1);
    return true;
  }

  /** Every delivered event no wait took, in the order they were recorded. */
  unconsumed(): BufferedEvent[] {
    return [...this.byName.values()].flatMap((s) => s.buffered).sort((a, b) => a.seq - b.seq);
  }

  private slot(name: string) {
    let slot = this.byName.get(name);
    if (!slot) this.byName.set(name, (slot = { buffered: [], waiters: [] }));
    return slot;
  }
}
