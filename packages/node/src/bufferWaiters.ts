/**
 * Who waits on the event buffer: callers of `flush()` (until every event
 * buffered before their call is settled, or their timeout) and of
 * `drained()` (until the buffer has room again). The buffer tells them where
 * its head is and how many bytes wait; they decide whom that wakes.
 */
import { foregroundTimers } from "./timers";

interface FlushWaiter {
  /** Resolved once every event numbered below this is settled. */
  seq: number;
  resolve: () => void;
}

export class BufferWaiters {
  #flushes: FlushWaiter[] = [];
  #drains: (() => void)[] = [];

  /** Someone awaits `flush()`: the buffer sends partial batches at once and keeps the process alive. */
  get flushing(): boolean {
    return this.#flushes.length > 0;
  }

  /** Resolves with `result()` once `settled(head)` passes `seq`, or after `timeout` ms (a timer that keeps the process alive). */
  flush<T>(seq: number, timeout: number | undefined, result: () => T): Promise<T> {
    return new Promise<T>((resolve) => {
      const waiter: FlushWaiter = { seq, resolve: () => resolve(result()) };
      this.#flushes.push(waiter);
      if (timeout === undefined) return;
      const timer = foregroundTimers.setTimeout(() => {
        this.#flushes = this.#flushes.filter((w) => w !== waiter);
        resolve(result());
      }, timeout);
      waiter.resolve = () => {
        foregroundTimers.clearTimeout(timer);
        resolve(result());
      };
    });
  }

  /** Everything numbered below `head` is settled: wakes the flushes that waited for no more. */
  settled(head: number): void {
    if (this.#flushes.length === 0) return;
    this.#flushes = this.#flushes.filter((w) => {
      if (w.seq > head) return true;
      w.resolve();
      return false;
    });
  }

  /** A promise for `drained()`, resolved by `room()`. */
  drained(): Promise<void> {
    return new Promise((resolve) => this.#drains.push(resolve));
  }

  /** The buffer has room again: wakes every `drained()`. */
  room(): void {
    for (const resolve of this.#drains.splice(0)) resolve();
  }

  /** Whether anyone awaits `drained()`. */
  get draining(): boolean {
    return this.#drains.length > 0;
  }
}
