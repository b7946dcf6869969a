/**
 * This tab's event queue: FIFO, persisted (coalesced) under the tab's own
 * storage key, bounded, and delivered one request at a time with the shared
 * retry policy. A failure pauses every send until its backoff or
 * `Retry-After` has passed, so order holds and the server is left alone.
 */
import {
  type Context,
  type HttpClient,
  isRetryable,
  retryDelay,
  type SchematicApiError,
  type Timers,
  type WireEvent,
  type WireTrackBody,
} from "@schematic-sdk/core";
import type { DeliveryResult, DroppedEvent, DropReason } from "./options";
import type { Writer } from "./writer";

/** One queued event: `a` failed attempts so far, `w` set while it waits for a context; `r` settles its promise (never stored: JSON skips functions). */
export interface Entry {
  e: WireEvent;
  a: number;
  w?: 1;
  /** Settled (delivered or dropped); never stored, since settled entries leave the queue. */
  d?: 1;
  r?: (result: DeliveryResult) => void;
}

export interface QueueConfig {
  http: HttpClient;
  writer: Writer;
  /** This tab's storage key. */
  key: string;
  timers: Timers;
  online: () => boolean;
  /** Called when `pending`, `delivered` or `dropped` change. */
  changed: () => void;
  log: (...args: unknown[]) => void;
  batch: boolean;
  flushInterval: number;
  maxQueueSize: number;
  maxAttempts: number;
  maxEventAge: number;
  onDrop?: ((dropped: DroppedEvent) => void) | undefined;
}

/** Browsers refuse `keepalive` bodies beyond 64 KiB in flight; stay under it. */
const KEEPALIVE_BYTES = 60_000;
const BATCH_SIZE = 100;

export class EventQueue {
  delivered = 0;
  dropped = 0;
  /**
   * Set on `pagehide`: this tab has let go of its queue, so nothing is sent
   * the ordinary way; an event queued now (say by the app's own `pagehide`
   * handler) is stored at once and sent with keepalive.
   */
  hidden = false;
  #q: Entry[] = [];
  readonly #c: QueueConfig;
  readonly #inflight = new Set<Entry>();
  /** Sent with keepalive and not answered yet: never sent a third time. */
  readonly #kept = new Set<Entry>();
  readonly #waiters = new Set<() => void>();
  #busy = false;
  /** Some event may wait for a context (so a context change need not look otherwise). */
  #held = 0;
  #closed = false;
  /** Closed until the first look for closed tabs' leftovers is done: they are older than our events. */
  #gated = true;
  #missed = false;
  /** No send before this time (backoff, `Retry-After`). */
  #until = 0;
  #timer: unknown;

  constructor(config: QueueConfig) {
    this.#c = config;
  }

  get pending(): number {
    return this.#q.length;
  }

  /** Queues an event; the promise settles when it is delivered or dropped. */
  enqueue(e: WireEvent, wait?: boolean): Promise<DeliveryResult> {
    return new Promise((r) => {
      const x: Entry = { e, a: 0, r };
      if (this.#closed) return this.#drop(x, "closed");
      if (wait) this.#held = x.w = 1;
      const q = this.#q;
      q.push(x);
      this.#c.log("queued", e.type, e.tracker_event_id, e.body);
      if (q.length > this.#c.maxQueueSize) {
        for (const y of q) {
          if (this.#inflight.has(y)) continue;
          this.#drop(y, "overflow");
          break;
        }
      }
      this.#changed();
      if (this.hidden) {
        this.#c.writer.flush();
        this.pump(true);
      } else this.#schedule(this.#c.flushInterval);
    });
  }

  /** Gives events held for a context the one now known. */
  fill(context: Context): void {
    if (!this.#held) return;
    this.#held = 0;
    for (const x of this.#q) {
      if (!x.w) continue;
      const body = x.e.body as WireTrackBody;
      body.company ??= context.company;
      body.user ??= context.user;
      delete x.w;
      this.#changed();
      this.#schedule(0);
    }
  }

  /** Takes over a closed tab's events, in time order with ours, and stores them before the caller removes theirs. */
  adopt(entries: Entry[]): void {
    this.#held = 1;
    this.#q = [...entries, ...this.#q].sort((a, b) => Date.parse(a.e.sent_at) - Date.parse(b.e.sent_at));
    this.#changed();
    this.#c.writer.flush();
    this.#schedule(0);
  }

  /**
   * Sends what is due: one request at a time, in order, unless offline, paused
   * or already sending. With `keepalive` (the page may be going away) it sends
   * what one ordered request can carry: the head with `/e`, a batch that fits
   * the keepalive budget with `/batch`.
   */
  pump = (keepalive?: boolean): void => {
    const c = this.#c;
    if (!keepalive && this.#gated) {
      this.#missed = true;
      return;
    }
    if (this.#closed || !c.online() || (!keepalive && (this.#busy || this.hidden))) return;
    const wait = this.#until - Date.now();
    if (wait > 0) {
      if (!keepalive) this.#schedule(wait);
      return;
    }
    const batch = this.#pick(keepalive);
    if (batch.length > 0) void this.#send(batch, keepalive);
  };

  /** Starts ordinary sending (once other tabs' leftovers are adopted). */
  open(): void {
    this.#gated = false;
    // A send held back by the gate goes now; otherwise the pending timer sends when due.
    if (this.#missed || this.#timer === undefined) this.pump();
  }

  /** Resolves when every event queued now is delivered or dropped, or after `timeout` ms. */
  flush(timeout?: number): Promise<void> {
    const mine = new Set(this.#q);
    return new Promise((resolve) => {
      const done = () => {
        if ((this.#closed || !this.#q.some((x) => mine.has(x))) && this.#waiters.delete(done)) resolve();
      };
      this.#waiters.add(done);
      done();
      this.pump();
      if (timeout !== undefined) this.#c.timers.setTimeout(resolve, timeout);
    });
  }

  /** Back from the back/forward cache: sending resumes, unless another tab took our stored events meanwhile. */
  show(): void {
    this.hidden = false;
    if (this.#c.writer.storage.get(this.#c.key) === null) {
      for (const x of this.#q) x.r?.({ status: "persisted" });
      this.#q = [];
      this.#changed();
      // A pending flush() is over: those events are the other tab's now.
      for (const done of this.#waiters) done();
    }
    this.pump();
  }

  /** Stops sending; what is queued stays stored for a later page or another tab. */
  close(): void {
    this.#closed = true;
    this.#c.timers.clearTimeout(this.#timer);
    for (const x of this.#q) x.r?.({ status: "persisted" });
    for (const done of this.#waiters) done();
  }

  #schedule(ms: number): void {
    this.#timer ??= this.#c.timers.setTimeout(() => {
      this.#timer = undefined;
      this.pump();
    }, ms);
  }

  /** The next events to send, from the head; expired ones are dropped on the way. */
  #pick(keepalive?: boolean): Entry[] {
    const c = this.#c;
    // One request keeps the order: with `/e` only the head goes out on page
    // hide; the rest stays stored and the next page (or another tab) sends it.
    const max = c.batch ? (keepalive ? 1e9 : BATCH_SIZE) : 1;
    const now = Date.now();
    const out: Entry[] = [];
    const old: Entry[] = [];
    let bytes = 0;
    // No copy of the queue: dropping changes it, so expired events are dropped after the walk.
    for (const x of this.#q) {
      if (x.w || out.length >= max) break;
      if (this.#inflight.has(x)) {
        // A request the page is about to cancel goes again with keepalive (the
        // server drops the duplicate by its tracker_event_id), once.
        if (!keepalive || this.#kept.has(x)) break;
      }
      if (now - Date.parse(x.e.sent_at) > c.maxEventAge) {
        old.push(x);
        continue;
      }
      // Characters, not bytes: a body of mostly non-ASCII text may still be refused, and then simply stays queued.
      if (keepalive) bytes += JSON.stringify(x.e).length;
      if (bytes > KEEPALIVE_BYTES) break;
      out.push(x);
    }
    for (const x of old) this.#drop(x, "expired");
    return out;
  }

  async #send(batch: Entry[], keepalive?: boolean): Promise<void> {
    const c = this.#c;
    for (const x of batch) {
      this.#inflight.add(x);
      if (keepalive) this.#kept.add(x);
    }
    if (!keepalive) this.#busy = true;
    let error: unknown;
    try {
      await c.http.request(
        c.batch
          ? { path: "/batch", body: { events: batch.map((x) => x.e) }, keepalive }
          : { path: "/e", body: batch[0]!.e, keepalive },
      );
    } catch (err) {
      error = err; // always a SchematicError: the HttpClient maps every failure
    }
    if (!keepalive) this.#busy = false;
    const retry = error !== undefined && isRetryable(error);
    let first: Entry | undefined;
    for (const x of batch) {
      // An entry sent again with keepalive is decided by that answer.
      if (keepalive) this.#kept.delete(x);
      else if (this.#kept.has(x)) continue;
      this.#inflight.delete(x);
      if (x.d) continue;
      first ??= x;
      if (error === undefined) {
        this.delivered++;
        this.#settle(x, { status: "delivered" });
      } else if (!retry) this.#drop(x, "rejected", error);
      else if (++x.a >= c.maxAttempts) this.#drop(x, "attempts", error);
    }
    if (retry && first) {
      const delay = retryDelay({
        attempt: first.a - 1,
        retryAfter: (error as SchematicApiError).retryAfter,
      });
      this.#until = Math.max(this.#until, Date.now() + delay);
      this.#changed();
    }
    this.pump();
  }

  #settle(x: Entry, result: DeliveryResult): void {
    x.d = 1;
    const i = this.#q.indexOf(x);
    // Mostly the head: shift() is O(1) where splice(0, 1) copies the whole queue.
    if (i === 0) this.#q.shift();
    else if (i > 0) this.#q.splice(i, 1);
    x.r?.(result);
    this.#c.log(result.status, x.e.tracker_event_id);
    this.#changed();
    for (const done of this.#waiters) done();
  }

  #drop(x: Entry, reason: DropReason, error?: unknown): void {
    this.dropped++;
    try {
      this.#c.onDrop?.({ event: x.e, reason, error });
    } catch {
      // a throwing callback must not stop delivery
    }
    this.#settle(x, { status: "dropped", reason, error });
  }

  readonly #stored = () => (this.#q.length > 0 ? this.#q : undefined);

  /** Stores the queue (coalesced; no more once closed: another tab may own it by then) and tells the client its figures moved. */
  #changed(): void {
    if (!this.#closed) this.#c.writer.mark(this.#c.key, this.#stored);
    this.#c.changed();
  }
}
