/**
 * This tab's event queue: FIFO, persisted (coalesced) under the tab's own
 * storage key, bounded, and delivered one request at a time with the shared
 * retry policy. A failure pauses every send until its backoff or
 * `Retry-After` has passed, so order holds and the server is left alone.
 */
import {
  Backoff,
  type Context,
  type HttpClient,
  monotonicNow,
  type SchematicApiError,
  type Timers,
  type WireEvent,
  type WireTrackBody,
} from "@schematic-sdk/core";
import { due } from "./due";
import { type Entry, EntryList } from "./entries";
import type { DeliveryResult, DroppedEvent, DropReason } from "./options";
import type { Writer } from "./writer";

export interface QueueConfig {
  http: HttpClient;
  writer: Writer;
  /** This tab's storage key. */
  key: string;
  timers: Timers;
  online: () => boolean;
  /** Called when `pending`, `delivered` or `dropped` change. */
  changed: () => void;
  /** Called with each entry settled: accepted by the API (`delivered`) or given up. */
  settled?: (entry: Entry, delivered: boolean) => void;
  /** Absent when debug is off: then nothing on the way of a call is formatted for it. */
  log?: ((...args: unknown[]) => void) | undefined;
  batch: boolean;
  flushInterval: number;
  maxQueueSize: number;
  maxAttempts: number;
  maxEventAge: number;
  onDrop?: ((dropped: DroppedEvent) => void) | undefined;
}

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
  readonly #list = new EntryList();
  readonly #config: QueueConfig;
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
  /** No send while it waits (backoff, `Retry-After`). */
  readonly #backoff = new Backoff();
  #timer: unknown;

  constructor(config: QueueConfig) {
    this.#config = config;
  }

  get pending(): number {
    return this.#list.size;
  }

  /** What is queued, oldest first (read-only: the flags room counts undelivered usage from it). */
  get entries(): readonly Entry[] {
    return this.#list.all;
  }

  /** Queues an event; the promise settles when it is delivered or dropped. */
  enqueue(e: WireEvent, wait?: boolean): Promise<DeliveryResult> {
    return new Promise((r) => {
      const x: Entry = { event: e, attempts: 0, resolve: r };
      if (this.#closed) return this.#drop(x, "closed");
      if (wait) this.#held = x.waiting = 1;
      const q = this.#list;
      q.push(x);
      this.#config.log?.("queued", e.type, e.tracker_event_id, e.body);
      // Full: the oldest event not on its way makes room.
      const oldest = q.size > this.#config.maxQueueSize && q.oldest(this.#inflight);
      if (oldest) this.#drop(oldest, "overflow");
      this.#changed();
      if (this.hidden) {
        this.#config.writer.flush();
        this.pump(true);
      } else this.#schedule(this.#config.flushInterval);
    });
  }

  /** Gives events held for a context the one now known. */
  fill(context: Context): void {
    if (!this.#held) return;
    this.#held = 0;
    for (const x of this.#list.all) {
      if (!x.waiting) continue;
      const body = x.event.body as WireTrackBody;
      body.company ??= context.company;
      body.user ??= context.user;
      delete x.waiting;
      this.#changed();
      this.#schedule(0);
    }
  }

  /** Takes over a closed tab's events, in time order with ours, and stores them before the caller removes theirs. */
  adopt(entries: Entry[]): void {
    this.#held = 1;
    this.#list.all = [...entries, ...this.#list.all].sort(
      (a, b) => Date.parse(a.event.sent_at) - Date.parse(b.event.sent_at),
    );
    this.#changed();
    this.#config.writer.flush();
    this.#schedule(0);
  }

  /**
   * Sends what is due: one request at a time, in order, unless offline, paused
   * or already sending. With `keepalive` (the page may be going away) it sends
   * what one ordered request can carry: the head with `/e`, a batch that fits
   * the keepalive budget with `/batch`.
   */
  pump = (keepalive?: boolean): void => {
    const c = this.#config;
    if (!keepalive && this.#gated) {
      this.#missed = true;
      return;
    }
    if (this.#closed || !c.online() || (!keepalive && (this.#busy || this.hidden))) return;
    const wait = this.#backoff.wait();
    if (wait > 0) {
      if (!keepalive) this.#schedule(wait);
      return;
    }
    const batch = this.#pick(keepalive);
    if (batch.length > 0) void this.#send(batch, keepalive);
  };

  /** Holds ordinary sending until `open()` (the client stopped: another tab may adopt what is stored). */
  hold(): void {
    this.#gated = true;
    this.#config.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#missed = this.#list.all.length > 0;
  }

  /** Starts ordinary sending (once other tabs' leftovers are adopted). */
  open(): void {
    this.#gated = false;
    // A send held back by the gate goes now; otherwise the pending timer sends when due.
    if (this.#missed || this.#timer === undefined) this.pump();
  }

  /** Resolves when every event queued now is delivered or dropped, or after `timeout` ms. */
  flush(timeout?: number): Promise<void> {
    const mine = new Set(this.#list.all);
    return new Promise((resolve) => {
      const done = () => {
        if ((this.#closed || !this.#list.all.some((x) => mine.has(x))) && this.#waiters.delete(done))
          resolve();
      };
      this.#waiters.add(done);
      done();
      this.pump();
      if (timeout !== undefined) this.#config.timers.setTimeout(resolve, timeout);
    });
  }

  /** Back from the back/forward cache: sending resumes, unless another tab took our stored events meanwhile. */
  show(): void {
    this.hidden = false;
    if (this.#config.writer.storage.get(this.#config.key) === null) {
      for (const x of this.#list.all) x.resolve?.({ status: "persisted" });
      this.#list.all = [];
      this.#changed();
      // A pending flush() is over: those events are the other tab's now.
      for (const done of this.#waiters) done();
    }
    this.pump();
  }

  /** Stops sending; what is queued stays stored for a later page or another tab. */
  close(): void {
    this.#closed = true;
    this.#config.timers.clearTimeout(this.#timer);
    for (const x of this.#list.all) x.resolve?.({ status: "persisted" });
    for (const done of this.#waiters) done();
  }

  #schedule(ms: number): void {
    this.#timer ??= this.#config.timers.setTimeout(() => {
      this.#timer = undefined;
      this.pump();
    }, ms);
  }

  /** The next events to send, from the head; expired ones are dropped on the way. */
  #pick(keepalive?: boolean): Entry[] {
    const c = this.#config;
    const { send, expired } = due(this.#list.all, {
      max: c.batch ? (keepalive ? 1e9 : BATCH_SIZE) : 1,
      keepalive,
      inflight: this.#inflight,
      kept: this.#kept,
      maxEventAge: c.maxEventAge,
    });
    for (const x of expired) this.#drop(x, "expired");
    return send;
  }

  async #send(batch: Entry[], keepalive?: boolean): Promise<void> {
    const c = this.#config;
    const now = monotonicNow();
    for (const x of batch) {
      x.sent = now;
      this.#inflight.add(x);
      if (keepalive) this.#kept.add(x);
    }
    if (!keepalive) this.#busy = true;
    let error: unknown;
    try {
      await c.http.request(
        c.batch
          ? { path: "/batch", body: { events: batch.map((x) => x.event) }, keepalive }
          : { path: "/e", body: batch[0]!.event, keepalive },
      );
    } catch (err) {
      error = err; // always a SchematicError: the HttpClient maps every failure
    }
    if (!keepalive) this.#busy = false;
    let retry: number | undefined;
    let first = true;
    for (const x of batch) {
      // An entry sent again with keepalive is decided by that answer.
      if (keepalive) this.#kept.delete(x);
      else if (this.#kept.has(x)) continue;
      this.#inflight.delete(x);
      if (x.settled) continue;
      if (error === undefined) {
        this.delivered++;
        this.#settle(x, { status: "delivered" });
        continue;
      }
      delete x.sent;
      // One pause per failed request, from its oldest event's attempts.
      if (first) retry = this.#backoff.fail(error, x.attempts);
      first = false;
      if (retry === undefined) this.#drop(x, "rejected", error);
      else if (++x.attempts >= c.maxAttempts) this.#drop(x, "attempts", error);
    }
    if (retry !== undefined) {
      c.log?.("retry in", retry, "ms:", (error as Error).message);
      this.#changed();
    }
    this.pump();
  }

  #settle(x: Entry, result: DeliveryResult): void {
    x.settled = 1;
    this.#list.remove(x);
    x.resolve?.(result);
    this.#config.settled?.(x, result.status === "delivered");
    const { error, reason } = result as { error?: SchematicApiError; reason?: string };
    // A drop says why: its reason, the last error's message, the request id to quote to support.
    this.#config.log?.(
      result.status,
      x.event.type,
      x.event.tracker_event_id,
      ...[reason, error?.message, error?.requestId].filter(Boolean),
    );
    this.#changed();
    for (const done of this.#waiters) done();
  }

  #drop(x: Entry, reason: DropReason, error?: unknown): void {
    this.dropped++;
    try {
      this.#config.onDrop?.({ event: x.event, reason, error });
    } catch {
      // a throwing callback must not stop delivery
    }
    this.#settle(x, { status: "dropped", reason, error });
  }

  readonly #stored = () => (this.#list.all.length > 0 ? this.#list.all : undefined);

  /** Stores the queue (coalesced; no more once closed: another tab may own it by then) and tells the client its figures moved. */
  #changed(): void {
    if (!this.#closed) this.#config.writer.mark(this.#config.key, this.#stored);
    this.#config.changed();
  }
}
