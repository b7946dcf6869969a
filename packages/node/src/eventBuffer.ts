/**
 * The buffer behind `identify` and `track`: events wait here and go out as
 * `POST /batch` every `flushInterval`, or at once when a batch is full. One
 * batch is in flight at a time, so events arrive in call order. Failed
 * batches are retried with the shared policy; a `Retry-After` pauses all
 * sending until it passes. Timers are unref'd: the buffer alone never keeps
 * the process alive, while `flush()`/`close()` keep it alive until done.
 */
import {
  type EventType,
  type HttpClient,
  isRetryable,
  isSchematicApiError,
  type Logger,
  retryDelay,
  type Timers,
  uuid,
  type WireEvent,
} from "@schematic-sdk/core";
import { EventStore } from "./eventStore";
import { foregroundTimers } from "./timers";

/** A batch body stays well under common 1 MiB request limits. */
const MAX_BATCH_BYTES = 512 * 1024;

const encoder = new TextEncoder();

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
 * An event waits in the `EventStore` as the JSON of its own fields only
 * (`"type":…,"body":…`) plus its call time; the fields every event shares
 * (`api_key`) or that only the wire needs (`sent_at` as text,
 * `tracker_event_id`) are added once, when its batch is built. The batch
 * then leaves the store: retries re-send its built body, so an event's id
 * never changes, and overflow drops the oldest event still in the store.
 * Events are numbered in push order; `#head` is the first one not yet
 * settled (the batch's first while one is out, else the store's first).
 */
export class EventBuffer {
  readonly #http: HttpClient;
  readonly #timers: Timers;
  readonly #log: Logger;
  readonly #interval: number;
  readonly #batchSize: number;
  readonly #maxQueue: number;
  readonly #maxAttempts: number;
  /** `{"api_key":"…",` as UTF-8: the start of every event. */
  readonly #envelope: Uint8Array;
  readonly #store = new EventStore();
  #head = 0;
  /** Live (not dropped) events from `#head` on. */
  #live = 0;
  /** The batch being sent, built once and re-sent as is by retries. */
  #flight: { count: number; body: Uint8Array } | undefined;
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
    apiKey: string;
    http: HttpClient;
    timers: Timers;
    logger: Logger;
    flushInterval: number;
    maxBatchSize: number;
    maxQueueSize: number;
    maxAttempts: number;
  }) {
    this.#envelope = encoder.encode(`{"api_key":${JSON.stringify(params.apiKey)},`);
    this.#http = params.http;
    this.#timers = params.timers;
    this.#log = params.logger;
    this.#interval = params.flushInterval;
    this.#batchSize = params.maxBatchSize;
    this.#maxQueue = params.maxQueueSize;
    this.#maxAttempts = params.maxAttempts;
  }

  /** Buffers an event; drops the oldest waiting one when the buffer is full. */
  push(type: EventType, body: WireEvent["body"], idempotencyKey?: string): void {
    let json = `"type":"${type}","body":${JSON.stringify(body)}`;
    if (idempotencyKey !== undefined) json += `,"idempotency_key":${JSON.stringify(idempotencyKey)}`;
    this.#store.push(json, Date.now());
    this.#live += 1;
    if (this.#live > this.#maxQueue) this.#dropOldest();
    this.stats.pending = this.#live;
    this.#schedule(this.#live >= this.#batchSize ? 0 : this.#interval);
  }

  /** Resolves when every event buffered before the call is delivered or dropped. */
  flush(): Promise<void> {
    const target = this.#store.end;
    if (this.#head >= target) return Promise.resolve();
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

  /** Drops the oldest event not in the batch being sent (that one settles as a whole). */
  #dropOldest(): void {
    const store = this.#store;
    const oldest = store.first;
    if (oldest === store.end) return;
    store.discard(oldest + 1);
    this.#live -= 1;
    this.stats.dropped += 1;
    if (this.stats.dropped === 1 || this.stats.dropped % 1000 === 0) {
      this.#log.warn(
        `event buffer full (maxQueueSize ${this.#maxQueue}): dropped the oldest event; ${this.stats.dropped} dropped so far`,
      );
    }
    if (oldest === this.#head) this.#advance(oldest + 1);
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
    this.#flight ??= this.#build();
    const flight = this.#flight;
    let next = this.#interval;
    try {
      this.stats.requests += 1;
      await this.#http.request({ path: "/batch", json: flight.body });
      this.#finish(flight, "delivered");
    } catch (error) {
      this.#attempt += 1;
      if (!isRetryable(error) || this.#attempt >= this.#maxAttempts) {
        this.#log.error(
          `dropped ${flight.count} events after ${this.#attempt} attempt(s):`,
          error instanceof Error ? error.message : error,
        );
        this.#finish(flight, "dropped");
      } else {
        const retryAfter = isSchematicApiError(error) ? error.retryAfter : undefined;
        next = retryDelay({ attempt: this.#attempt - 1, retryAfter });
        if (retryAfter !== undefined) this.#pausedUntil = Date.now() + next;
        this.#log.warn(
          `batch of ${flight.count} events failed; retry ${this.#attempt} in ${next} ms:`,
          error instanceof Error ? error.message : error,
        );
      }
    } finally {
      this.#sending = false;
    }
    const due = this.#urgent || this.#live >= this.#batchSize;
    this.#schedule(this.#attempt > 0 ? next : due ? 0 : this.#interval);
  }

  /** The `POST /batch` body of the next events as UTF-8, each given its wire time and a fresh id; they leave the store. */
  #build(): { count: number; body: Uint8Array } {
    const store = this.#store;
    const envelope = this.#envelope;
    const parts: Uint8Array[] = [];
    const tails: string[] = [];
    // `{"events":[` + `]}`, then per event its parts, its tail (ASCII) and a comma.
    let bytes = 13;
    let end = store.first;
    // Events of a burst share their millisecond: format each one once.
    let ms = Number.NaN;
    let sentAt = "";
    for (; end < store.end && parts.length < this.#batchSize; end++) {
      const fields = store.bytes(end);
      if (store.time(end) !== ms) {
        ms = store.time(end);
        sentAt = new Date(ms).toISOString();
      }
      const tail = `,"sent_at":"${sentAt}","tracker_event_id":"${uuid()}"}`;
      const size = envelope.length + fields.length + tail.length + 1;
      if (parts.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      parts.push(fields);
      tails.push(tail);
    }
    const body = new Uint8Array(bytes - 1);
    let at = encoder.encodeInto(`{"events":[`, body).written;
    for (let k = 0; k < parts.length; k++) {
      if (k > 0) body[at++] = 0x2c; // ,
      body.set(envelope, at);
      at += envelope.length;
      body.set(parts[k]!, at);
      at += parts[k]!.length;
      at += encoder.encodeInto(tails[k]!, body.subarray(at)).written;
    }
    encoder.encodeInto("]}", body.subarray(at));
    store.discard(end);
    return { count: parts.length, body };
  }

  /** The batch in flight is done: delivered or given up; its events are released at once. */
  #finish(flight: { count: number }, outcome: "delivered" | "dropped"): void {
    this.#flight = undefined;
    this.#attempt = 0;
    this.#live -= flight.count;
    this.stats[outcome] += flight.count;
    this.#advance(this.#store.first);
  }

  /** Moves the head to `head` (everything before it is settled) and wakes finished flushes. */
  #advance(head: number): void {
    this.#head = head;
    this.stats.pending = this.#live;
    if (this.#waiters.length === 0) return;
    this.#waiters = this.#waiters.filter((w) => {
      if (w.seq > head) return true;
      w.resolve();
      return false;
    });
    if (this.#waiters.length === 0) this.#urgent = false;
  }
}
