/**
 * The buffer behind `identify` and `track`: events wait here and go out as
 * `POST /batch` every `flushInterval`, or at once when a batch is full. One
 * batch is in flight at a time, so events arrive in call order. Failed
 * batches are retried with the shared policy; a `Retry-After` pauses all
 * sending until it passes. Timers are unref'd: the buffer alone never keeps
 * the process alive, while `flush()`/`close()` keep it alive until done.
 */
import {
  type HttpClient,
  isRetryable,
  isSchematicApiError,
  type Logger,
  retryDelay,
  type Timers,
  utf8Length,
  type WireEvent,
} from "@schematic-sdk/core";
import { foregroundTimers } from "./timers";

/** A batch body stays well under common 1 MiB request limits. */
const MAX_BATCH_BYTES = 512 * 1024;

/**
 * Figures of the event buffer, read through `schematic.stats`.
 * @example
 * ```ts
 * const { pending, dropped } = schematic.stats;
 * ```
 */
export interface EventBufferStats {
  /** Events waiting, including a batch in flight. */
  pending: number;
  delivered: number;
  dropped: number;
  /** Requests sent (each batch attempt counts). */
  requests: number;
}

/**
 * Events are kept as their JSON only (a string is a fraction of the object's
 * memory), in an array read from `#head`; a dropped event becomes `null`, so
 * neither sending nor dropping ever shifts the array. The event at index `i`
 * was pushed `#base + i + 1`-th.
 */
export class EventBuffer {
  readonly #http: HttpClient;
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxQueue: number;
  readonly #maxAttempts: number;
  #q: (string | null)[] = [];
  #base = 0;
  #head = 0;
  /** Live (not dropped) events from `#head` on. */
  #live = 0;
  /** End (exclusive) of the batch in flight: overflow never drops inside it. */
  #flightEnd = 0;
  /** Where the search for the oldest droppable event starts. */
  #dropFrom = 0;
  #waiters: { seq: number; resolve: () => void }[] = [];
  #timer: unknown;
  #timerAt = 0;
  /** Whether the pending send keeps the process alive (it must while someone awaits `flush()`). */
  #timerHeld = false;
  #sending = false;
  #attempt = 0;
  #pausedUntil = 0;
  #urgent = false;
  readonly stats: EventBufferStats = { pending: 0, delivered: 0, dropped: 0, requests: 0 };

  constructor(params: {
    http: HttpClient;
    timers: Timers;
    logger: Logger;
    flushInterval: number;
    maxBatchSize: number;
    maxQueueSize: number;
    maxAttempts: number;
  }) {
    this.#http = params.http;
    this.#timers = params.timers;
    this.#log = params.logger;
    this.#interval = params.flushInterval;
    this.#batchSize = params.maxBatchSize;
    this.#maxQueue = params.maxQueueSize;
    this.#maxAttempts = params.maxAttempts;
  }

  /** Buffers an event; drops the oldest waiting one when the buffer is full. */
  push(event: WireEvent): void {
    const json = JSON.stringify(event);
    // V8 returns JSON.stringify's result as a tree of pieces; reading a
    // character flattens it into one exact-size string, a third smaller for
    // as long as the event waits.
    json.charCodeAt(0);
    this.#q.push(json);
    this.#live += 1;
    if (this.#live > this.#maxQueue) this.#dropOldest();
    this.stats.pending = this.#live;
    this.#schedule(this.#live >= this.#batchSize ? 0 : this.#interval);
  }

  /** Resolves when every event buffered before the call is delivered or dropped. */
  flush(): Promise<void> {
    const target = this.#base + this.#q.length;
    if (this.#settled() >= target) return Promise.resolve();
    this.#urgent = true;
    const done = new Promise<void>((resolve) => this.#waiters.push({ seq: target, resolve }));
    this.#schedule(0);
    return done;
  }

  /** Stops the timer (call `flush()` first: what is still buffered stays unsent). */
  stop(): void {
    if (this.#timer !== true) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Every event pushed up to this sequence number is delivered or dropped. */
  #settled(): number {
    return this.#base + this.#head;
  }

  #dropOldest(): void {
    const q = this.#q;
    // While a batch is in flight the oldest droppable event is past it; otherwise it is the head.
    let i = this.#sending ? Math.max(this.#dropFrom, this.#flightEnd) : this.#head;
    while (i < q.length && q[i] === null) i++;
    if (i >= q.length) return;
    q[i] = null;
    this.#dropFrom = i + 1;
    this.#live -= 1;
    this.stats.dropped += 1;
    if (this.stats.dropped === 1 || this.stats.dropped % 1000 === 0) {
      this.#log.warn(
        `event buffer full (maxQueueSize ${this.#maxQueue}): dropped the oldest event; ${this.stats.dropped} dropped so far`,
      );
    }
    if (i === this.#head) this.#advance(this.#head);
  }

  /** Arranges a send in `ms` (or sooner if one is already due sooner), never before a `Retry-After` pause ends. */
  #schedule(ms: number): void {
    if (this.#sending || this.#live === 0) return;
    const now = Date.now();
    const at = Math.max(now + ms, this.#pausedUntil);
    // An unref'd timer set before a flush() is replaced by one that keeps the process alive.
    if (this.#timer !== undefined && this.#timerAt <= at && (this.#timerHeld || !this.#urgent)) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (at <= now) {
      // Due now: send on a microtask, so a burst of pushes still fills one batch.
      this.#timerAt = now;
      this.#timerHeld = true;
      this.#timer = true;
      queueMicrotask(() => {
        this.#timer = undefined;
        void this.#send();
      });
      return;
    }
    this.#timerAt = at;
    // While someone awaits flush(), the timer must keep the process alive.
    this.#timerHeld = this.#urgent;
    const timers = this.#urgent ? foregroundTimers : this.#timers;
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#send();
    }, at - now);
  }

  async #send(): Promise<void> {
    if (this.#sending || this.#live === 0) return;
    this.#sending = true;
    const q = this.#q;
    const batch: string[] = [];
    let bytes = 0;
    let end = this.#head;
    for (; end < q.length && batch.length < this.#batchSize; end++) {
      const json = q[end];
      if (json == null) continue;
      const size = json.length < MAX_BATCH_BYTES / 3 ? json.length : utf8Length(json);
      if (batch.length > 0 && bytes + size + 1 > MAX_BATCH_BYTES) break;
      bytes += size + 1;
      batch.push(json);
    }
    this.#flightEnd = end;
    let next = this.#interval;
    try {
      this.stats.requests += 1;
      await this.#http.request({ path: "/batch", json: `{"events":[${batch.join(",")}]}` });
      this.#finish(end, batch.length, "delivered");
    } catch (error) {
      this.#attempt += 1;
      if (!isRetryable(error) || this.#attempt >= this.#maxAttempts) {
        this.#log.error(
          `dropped ${batch.length} events after ${this.#attempt} attempt(s):`,
          error instanceof Error ? error.message : error,
        );
        this.#finish(end, batch.length, "dropped");
      } else {
        const retryAfter = isSchematicApiError(error) ? error.retryAfter : undefined;
        next = retryDelay({ attempt: this.#attempt - 1, retryAfter });
        if (retryAfter !== undefined) this.#pausedUntil = Date.now() + next;
        this.#log.warn(
          `batch of ${batch.length} events failed; retry ${this.#attempt} in ${next} ms:`,
          error instanceof Error ? error.message : error,
        );
      }
    } finally {
      this.#sending = false;
    }
    const due = this.#urgent || this.#live >= this.#batchSize;
    this.#schedule(this.#attempt > 0 ? next : due ? 0 : this.#interval);
  }

  /** The batch up to `end` is done: delivered or given up. */
  #finish(end: number, count: number, outcome: "delivered" | "dropped"): void {
    this.#attempt = 0;
    this.#live -= count;
    this.stats[outcome] += count;
    this.#advance(end);
  }

  /** Moves the head to the first live event at or after `from`, compacts, and wakes finished flushes. */
  #advance(from: number): void {
    const q = this.#q;
    let head = from;
    while (head < q.length && q[head] === null) head++;
    this.#head = head;
    if (head > 4096 && head * 2 > q.length) {
      this.#q = q.slice(head);
      this.#base += head;
      this.#dropFrom = Math.max(0, this.#dropFrom - head);
      this.#flightEnd = Math.max(0, this.#flightEnd - head);
      this.#head = 0;
    }
    this.stats.pending = this.#live;
    if (this.#waiters.length === 0) return;
    const settled = this.#settled();
    this.#waiters = this.#waiters.filter((w) => {
      if (w.seq > settled) return true;
      w.resolve();
      return false;
    });
    if (this.#waiters.length === 0) this.#urgent = false;
  }
}
