/**
 * The buffer behind `identify` and `track`: events wait in the `EventStore`
 * and go out as `POST /batch` every `flushInterval`, or at once when a batch
 * is full. Up to `MAX_IN_FLIGHT` batches are out at a time; a batch holding
 * an identify is a barrier: nothing buffered after it is sent until it is
 * acknowledged, so the identify that creates a company or user always
 * arrives before that entity's later events. Track events of concurrent
 * batches may arrive out of order (they are counted, and each carries its
 * call time and a `tracker_event_id` the server dedupes retries by).
 *
 * The store is bounded by bytes (`maxQueueBytes`); past it the oldest
 * unsent events are dropped, counted and logged. `push` answers false above
 * half the bound (the high-water mark), and `drained()` lets a producer wait
 * for room instead. Failed batches are retried with the shared policy; a
 * `Retry-After` pauses all sending until it passes. Timers are unref'd: the
 * buffer alone never keeps the process alive, while `flush()` does.
 */
import {
  Backoff,
  type EventType,
  type HttpClient,
  isRetryable,
  type Logger,
  monotonicNow,
  type Timers,
  type WireEvent,
} from "@schematic-sdk/core";
import { BatchEncoder, EVENT_TAGS, storedEventJson, writeStoredEvent } from "./batchEncoder";
import { BufferWaiters } from "./bufferWaiters";
import type { EventBufferStats } from "./eventStats";
import { EventStore } from "./eventStore";
import { describeFailure } from "./failures";
import { foregroundTimers } from "./timers";

/** Batches out at the same time: enough to keep a burst of a million moving, few enough to be gentle. */
export const MAX_IN_FLIGHT = 4;

interface Flight {
  body: Uint8Array;
  count: number;
  /** Number of its first event. */
  start: number;
  hasIdentify: boolean;
  attempt: number;
  /** Waiting to be sent again at `retryAt` (else being sent). */
  waiting: boolean;
  retryAt: number;
}

export class EventBuffer {
  readonly #http: HttpClient;
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxCount: number;
  readonly #maxBytes: number;
  readonly #highWater: number;
  readonly #maxAttempts: number;
  readonly #offline: boolean;
  readonly #encoder: BatchEncoder;
  readonly #store = new EventStore();
  /** Batches built and not yet settled, in the order they were built. */
  #flights: Flight[] = [];
  /** Live (not dropped, not settled) events, in the store and in flight. */
  #live = 0;
  readonly #waiters = new BufferWaiters();
  #timer: unknown;
  #timerAt = 0;
  /** Whether the pending send keeps the process alive (it must while someone awaits `flush()`). */
  #timerHeld = false;
  /** The shared pause: a failed batch (and a `Retry-After` above all) holds every batch back, on the monotonic clock. */
  readonly #backoff = new Backoff();
  readonly stats: EventBufferStats = {
    pending: 0,
    pendingBytes: 0,
    delivered: 0,
    dropped: 0,
    droppedBy: { overflow: 0, refused: 0, retries: 0, offline: 0 },
    requests: 0,
  };

  constructor(params: {
    apiKey: string;
    http: HttpClient;
    timers: Timers;
    logger: Logger;
    flushInterval: number;
    maxBatchSize: number;
    maxQueueSize: number | undefined;
    maxQueueBytes: number;
    maxAttempts: number;
    offline: boolean;
  }) {
    this.#encoder = new BatchEncoder(params.apiKey);
    this.#http = params.http;
    this.#timers = params.timers;
    this.#log = params.logger;
    this.#interval = params.flushInterval;
    this.#batchSize = params.maxBatchSize;
    this.#maxCount = params.maxQueueSize ?? Number.POSITIVE_INFINITY;
    this.#maxBytes = params.maxQueueBytes;
    this.#highWater = params.maxQueueBytes / 2;
    this.#maxAttempts = params.maxAttempts;
    this.#offline = params.offline;
  }

  /** Buffers an event, dropping the oldest unsent ones past the bounds; false when above the high-water mark. */
  push(type: EventType, body: WireEvent["body"], idempotencyKey?: string): boolean {
    if (this.#offline) {
      this.#dropped("offline", 1);
      return true;
    }
    const store = this.#store;
    const time = Date.now();
    const tag = EVENT_TAGS[type];
    if (!store.pushWritten(writeStoredEvent, body, idempotencyKey, time, tag)) {
      store.push(storedEventJson(body, idempotencyKey), time, tag);
    }
    this.#live += 1;
    while (store.keptBytes > this.#maxBytes || store.end - store.first > this.#maxCount) this.#dropOldest();
    this.stats.pending = this.#live;
    this.stats.pendingBytes = store.keptBytes;
    this.#schedule(store.end - store.first >= this.#batchSize ? 0 : this.#interval);
    return store.keptBytes < this.#highWater;
  }

  /**
   * Resolves when every event buffered before the call is delivered or
   * dropped, or after `timeout` ms; answers how many events are still pending.
   */
  flush(timeout?: number): Promise<{ pending: number }> {
    const target = this.#store.end;
    const result = () => ({ pending: this.#live });
    if (this.#head() >= target) return Promise.resolve(result());
    const done = this.#waiters.flush(target, timeout, result);
    this.#schedule(0);
    return done;
  }

  /** Resolves at once below the high-water mark, else when the unsent events are down to half of it. */
  drained(): Promise<void> {
    if (this.#store.keptBytes < this.#highWater) return Promise.resolve();
    return this.#waiters.drained();
  }

  /** Stops the timer (call `flush()` first: what is still buffered stays unsent). */
  stop(): void {
    if (this.#timer !== true) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The first event not yet settled. */
  #head(): number {
    return this.#flights[0]?.start ?? this.#store.first;
  }

  #dropOldest(): void {
    const store = this.#store;
    if (store.first === store.end) return;
    store.discard(store.first + 1);
    this.#live -= 1;
    this.#dropped("overflow", 1);
    const { overflow } = this.stats.droppedBy;
    if (overflow === 1 || overflow % 10_000 === 0) {
      const bound =
        this.#maxCount < Number.POSITIVE_INFINITY && store.keptBytes <= this.#maxBytes
          ? `maxQueueSize ${this.#maxCount}`
          : `maxQueueBytes ${this.#maxBytes}`;
      this.#log.warn(
        `event buffer full (${bound}): dropped the oldest event; ${overflow} dropped so far. Await schematic.drained() when track() answers false to wait for room instead.`,
      );
    }
    this.#advance();
  }

  #dropped(reason: keyof EventBufferStats["droppedBy"], count: number): void {
    this.stats.dropped += count;
    this.stats.droppedBy[reason] += count;
  }

  /** Arranges a pump in `ms` (or sooner if one is already due sooner), never before a `Retry-After` pause ends. */
  #schedule(ms: number): void {
    // A pump already due on a microtask comes first whatever is asked (a burst asks once per push).
    if (this.#live === 0 || this.#timer === true) return;
    const now = monotonicNow();
    const at = now + Math.max(ms, this.#backoff.wait());
    // An unref'd timer set before a flush() is replaced by one that keeps the process alive.
    if (this.#timer !== undefined && this.#timerAt <= at && (this.#timerHeld || !this.#waiters.flushing))
      return;
    if (this.#timer !== true) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = at;
    if (at <= now) {
      // Due now: pump on a microtask, so a burst of pushes still fills whole batches.
      this.#timerHeld = true;
      this.#timer = true;
      queueMicrotask(() => {
        this.#timer = undefined;
        this.#pump(this.#waiters.flushing);
      });
      return;
    }
    // While someone awaits flush(), the timer must keep the process alive.
    this.#timerHeld = this.#waiters.flushing;
    const timers = this.#waiters.flushing ? foregroundTimers : this.#timers;
    this.#timer = timers.setTimeout(() => {
      this.#timer = undefined;
      this.#pump(true);
    }, at - now);
  }

  /** Sends what is due: batches whose retry time came, then new batches while there is room. */
  #pump(partial: boolean): void {
    const paused = this.#backoff.wait();
    if (paused > 0) {
      this.#schedule(paused);
      return;
    }
    const now = monotonicNow();
    let nextRetry = Number.POSITIVE_INFINITY;
    for (const flight of this.#flights) {
      if (!flight.waiting) continue;
      if (flight.retryAt <= now) void this.#send(flight);
      else nextRetry = Math.min(nextRetry, flight.retryAt);
    }
    const store = this.#store;
    while (
      this.#flights.length < MAX_IN_FLIGHT &&
      store.first < store.end &&
      !this.#flights.some((f) => f.hasIdentify) &&
      (partial || this.#waiters.flushing || store.end - store.first >= this.#batchSize)
    ) {
      const start = store.first;
      const { body, count, hasIdentify, end } = this.#encoder.encode(store, this.#batchSize);
      store.discard(end);
      const flight: Flight = { body, count, start, hasIdentify, attempt: 0, waiting: false, retryAt: 0 };
      this.#flights.push(flight);
      void this.#send(flight);
    }
    this.stats.pendingBytes = store.keptBytes;
    this.#wakeDrainers();
    if (nextRetry < Number.POSITIVE_INFINITY) this.#schedule(nextRetry - now);
    else if (store.first < store.end) this.#schedule(this.#interval);
  }

  async #send(flight: Flight): Promise<void> {
    flight.waiting = false;
    this.stats.requests += 1;
    const started = performance.now();
    try {
      await this.#http.request({ path: "/batch", json: flight.body });
      this.#log.debug(
        `POST /batch 2xx ${Math.round(performance.now() - started)} ms (${flight.count} events)`,
      );
      this.#settle(flight, "delivered");
    } catch (error) {
      flight.attempt += 1;
      const message = describeFailure(error, "eventUrl");
      const delay =
        flight.attempt < this.#maxAttempts ? this.#backoff.fail(error, flight.attempt - 1) : undefined;
      if (delay === undefined) {
        this.#log.error(`dropped ${flight.count} events after ${flight.attempt} attempt(s):`, message);
        this.#settle(flight, isRetryable(error) ? "retries" : "refused");
      } else {
        flight.waiting = true;
        flight.retryAt = monotonicNow() + delay;
        this.#log.warn(
          `batch of ${flight.count} events failed; retry ${flight.attempt} in ${delay} ms:`,
          message,
        );
      }
    }
    const store = this.#store;
    this.#pump(this.#waiters.flushing || store.end - store.first >= this.#batchSize);
  }

  /** A batch is done: delivered or given up; its events are released at once. */
  #settle(flight: Flight, outcome: "delivered" | "refused" | "retries"): void {
    this.#flights = this.#flights.filter((f) => f !== flight);
    this.#live -= flight.count;
    if (outcome === "delivered") this.stats.delivered += flight.count;
    else this.#dropped(outcome, flight.count);
    this.#advance();
  }

  /** Everything before the head is settled: wakes finished flushes. */
  #advance(): void {
    this.stats.pending = this.#live;
    this.#waiters.settled(this.#head());
  }

  #wakeDrainers(): void {
    if (this.#waiters.draining && this.#store.keptBytes <= this.#highWater / 2) this.#waiters.room();
  }
}
