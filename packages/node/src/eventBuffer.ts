/**
 * The buffer behind `identify` and `track`: events wait here and go out as
 * `POST /batch` every `flushInterval`, or at once when a batch is full. One
 * batch is in flight at a time, so events arrive in call order. Failed
 * batches are retried with the shared policy; a `Retry-After` pauses all
 * sending until it passes. Timers are unref'd: the buffer alone never keeps
 * the process alive, while `flush()`/`close()` keep it alive until done.
 */
import {
  defaultTimers,
  type HttpClient,
  isRetryable,
  isSchematicApiError,
  type Logger,
  retryDelay,
  type Timers,
  utf8Length,
  type WireEvent,
} from "@schematic-sdk/core";

/** A batch body stays well under common 1 MiB request limits. */
const MAX_BATCH_BYTES = 512 * 1024;

interface Entry {
  seq: number;
  event: WireEvent;
  json: string;
}

export interface EventBufferStats {
  /** Events waiting, including a batch in flight. */
  pending: number;
  delivered: number;
  dropped: number;
  /** Requests sent (each batch attempt counts). */
  requests: number;
}

export class EventBuffer {
  readonly #http: HttpClient;
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxQueue: number;
  readonly #maxAttempts: number;
  #queue: Entry[] = [];
  #seq = 0;
  /** Every event with `seq` at or below this is delivered or dropped. */
  #settled = 0;
  #waiters: { seq: number; resolve: () => void }[] = [];
  #timer: unknown;
  #timerAt = 0;
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
    this.#queue.push({ seq: ++this.#seq, event, json: JSON.stringify(event) });
    // The head may be in flight; drop the oldest of those not yet sent.
    if (this.#queue.length > this.#maxQueue) {
      const index = this.#sending ? Math.min(this.#inFlight, this.#queue.length - 1) : 0;
      this.#queue.splice(index, 1);
      this.stats.dropped += 1;
      if (this.stats.dropped === 1 || this.stats.dropped % 1000 === 0) {
        this.#log.warn(
          `event buffer full (maxQueueSize ${this.#maxQueue}): dropped the oldest event; ${this.stats.dropped} dropped so far`,
        );
      }
      this.#advance();
    }
    this.stats.pending = this.#queue.length;
    this.#schedule(this.#queue.length >= this.#batchSize ? 0 : this.#interval);
  }

  /** Resolves when every event buffered before the call is delivered or dropped. */
  flush(): Promise<void> {
    const target = this.#seq;
    if (this.#settled >= target) return Promise.resolve();
    this.#urgent = true;
    const done = new Promise<void>((resolve) => this.#waiters.push({ seq: target, resolve }));
    this.#schedule(0);
    return done;
  }

  /** Stops the timer; events still buffered are dropped from memory (call `flush()` first). */
  stop(): void {
    if (this.#timer !== true) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #inFlight = 0;

  /** Arranges a send in `ms` (or sooner if one is already due sooner), never before a `Retry-After` pause ends. */
  #schedule(ms: number): void {
    if (this.#sending || this.#queue.length === 0) return;
    const now = Date.now();
    const at = Math.max(now + ms, this.#pausedUntil);
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (at <= now) {
      // Due now: send on a microtask, so a burst of pushes still fills one batch.
      this.#timerAt = now;
      this.#timer = true;
      queueMicrotask(() => {
        this.#timer = undefined;
        void this.#send();
      });
      return;
    }
    this.#timerAt = at;
    // While someone awaits flush(), the timer must keep the process alive.
    const timers = this.#urgent ? defaultTimers : this.#timers;
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#send();
    }, at - now);
  }

  async #send(): Promise<void> {
    if (this.#sending || this.#queue.length === 0) return;
    this.#sending = true;
    let bytes = 0;
    let count = 0;
    for (const entry of this.#queue) {
      if (count === this.#batchSize || (count > 0 && bytes + entry.json.length + 1 > MAX_BATCH_BYTES)) break;
      bytes += entry.json.length < MAX_BATCH_BYTES / 3 ? entry.json.length : utf8Length(entry.json);
      count += 1;
    }
    this.#inFlight = count;
    const batch = this.#queue.slice(0, count);
    const json = `{"events":[${batch.map((e) => e.json).join(",")}]}`;
    let next = this.#interval;
    try {
      this.stats.requests += 1;
      await this.#http.request({ path: "/batch", json });
      this.#remove(batch, "delivered");
      this.#attempt = 0;
    } catch (error) {
      this.#attempt += 1;
      const retryable = isRetryable(error);
      if (!retryable || this.#attempt >= this.#maxAttempts) {
        this.#log.error(
          `dropped ${batch.length} events after ${this.#attempt} attempt(s):`,
          error instanceof Error ? error.message : error,
        );
        this.#remove(batch, "dropped");
        this.#attempt = 0;
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
      this.#inFlight = 0;
    }
    const due = this.#urgent || this.#queue.length >= this.#batchSize;
    this.#schedule(this.#attempt > 0 ? next : due ? 0 : this.#interval);
  }

  #remove(batch: Entry[], outcome: "delivered" | "dropped"): void {
    const sent = new Set(batch);
    // Overflow may have removed some of the batch while it was in flight.
    const before = this.#queue.length;
    this.#queue = this.#queue.filter((e) => !sent.has(e));
    this.stats[outcome] += before - this.#queue.length;
    this.stats.pending = this.#queue.length;
    this.#advance();
  }

  /** Moves the settled mark to just before the oldest waiting event and wakes finished flushes. */
  #advance(): void {
    this.#settled = this.#queue.length > 0 ? this.#queue[0]!.seq - 1 : this.#seq;
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => {
      if (w.seq > this.#settled) return true;
      w.resolve();
      return false;
    });
    if (this.#waiters.length === 0) this.#urgent = false;
  }
}
