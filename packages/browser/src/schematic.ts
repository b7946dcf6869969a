/**
 * `Schematic`, the browser client: a facade over its rooms — the session
 * (context, anonymous id, what is stored), the event queue, the flags and
 * the external store — which `wiring.ts` builds. Construction checks the key
 * and the options, reads the stored session (so the first snapshot shows it)
 * and starts nothing; timers, page listeners and tab coordination start with
 * `mount()` or the first call that needs them, and stop with the last
 * `unmount()` or `close()`.
 */
import {
  type Context,
  checkOptions,
  describeValue,
  type FlagCheck,
  type IdentifyInput,
  isSecretKey,
  jsonEqual,
  type Plan,
  SchematicConfigError,
  type TrackInput,
  toWireTrackBody,
  validateContext,
  validateFlagKey,
  validateIdentify,
  validateTrack,
  type WireIdentifyBody,
} from "@schematic-sdk/core";
import type { Flags } from "./flags";
import { type DeliveryResult, OPTION_RULES, type SchematicOptions, type SchematicSnapshot } from "./options";
import type { EventQueue } from "./queue";
import type { Session } from "./session";
import type { Store } from "./store";
import { type Resolved, type Rooms, wire } from "./wiring";

/**
 * The Schematic browser client.
 *
 * @example
 * ```ts
 * const schematic = new Schematic("api_…");
 * void schematic.identify({ keys: { id: "demo-user" }, company: { keys: { id: "demo-company" } } });
 * if (await schematic.checkFlag("my-flag", { fallback: false })) showFeature();
 * ```
 */
export class Schematic {
  readonly #options: Resolved;
  readonly #store: Store;
  readonly #server: SchematicSnapshot;
  readonly #session: Session;
  readonly #flags: Flags;
  readonly #queue: EventQueue;
  /** Starts (mount, first use) and stops (last unmount, close) the timers, listeners and tab lease. */
  readonly #lifecycle: { start(): void; stop(): void };
  /** Opens the live socket (loading its code the first time) when `live` is on. */
  readonly #openLive: () => void;
  readonly #event: Rooms["event"];
  #mounts = 0;
  #running = false;
  #closed = false;

  /**
   * @param publishableKey your publishable key (`api_…`); a secret key (`sch_…`) throws `SchematicConfigError`.
   * @throws SchematicConfigError for a missing, non-string or secret key, an unknown option or a value of the wrong kind (naming it and what to pass); SchematicValidationError for a bad `bootstrap.context`.
   */
  constructor(publishableKey: string, options: SchematicOptions = {}) {
    const fail = (message: string) => {
      throw new SchematicConfigError(`Schematic: ${message}`);
    };
    if (!publishableKey) fail('pass your publishable key (api_…) first: new Schematic("api_…", options)');
    if (typeof publishableKey !== "string")
      fail(`a publishable key (api_…) is a string; got ${describeValue(publishableKey)}`);
    if (isSecretKey(publishableKey))
      fail("that is a secret key (sch_…), which must stay on your server; pass your publishable key (api_…)");
    checkOptions("Schematic", options, OPTION_RULES);
    const rooms = wire(publishableKey, options, () => this.#mounts > 0 && !this.#closed);
    this.#options = rooms.options;
    this.#store = rooms.store;
    this.#server = rooms.server;
    this.#session = rooms.session;
    this.#flags = rooms.flags;
    this.#queue = rooms.queue;
    this.#lifecycle = rooms.lifecycle;
    this.#openLive = rooms.openLive;
    this.#event = rooms.event;
  }

  /**
   * Starts the client for a UI binding (ref-counted, as a provider's effect
   * calls it): page listeners, tab coordination, sending, and asking again
   * for flags shown past `flagCacheTtl`; with `live` on, the live socket
   * (only from here, never at construction). Calls that need the others start them
   * anyway, so a client used without a framework never needs it.
   */
  mount(): void {
    if (++this.#mounts === 1 && !this.#closed) this.#openLive();
    this.#start();
    this.#flags.watch(!this.#closed);
  }

  /** Undoes one `mount()`; the last stops what it started (queued events stay stored). The next mount or call starts it again. */
  unmount(): void {
    if (this.#mounts === 0 || --this.#mounts > 0) return;
    this.#flags.watch(false);
    this.#stop();
  }

  /**
   * Identifies the user (and their company): sets the context at once, so the
   * next line's `track` or `checkFlag` uses it, and queues an `identify` event
   * unless an identical one was already queued or delivered.
   * @returns settles when the event is delivered, deduplicated or dropped; rejects only with `SchematicValidationError`.
   */
  identify(input: IdentifyInput): Promise<DeliveryResult> {
    // Not `async`: its extra promise per call shows in a burst. A throw still becomes a rejection.
    try {
      const v = validateIdentify(input);
      this.#start();
      this.#setContext(v.company ? { user: v.keys, company: v.company.keys } : { user: v.keys });
      const session = this.#session;
      if (jsonEqual(v, session.last)) {
        this.#flags.identifying();
        return Promise.resolve({ status: "deduplicated" });
      }
      session.last = v;
      session.save();
      // The validated copy is already the wire body (`toWireIdentifyBody` would copy it unchanged; a test pins that).
      this.#flags.identifying(v);
      return this.#queue.enqueue(this.#event("identify", v as WireIdentifyBody));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Queues a usage or behaviour event; `company` and `user` default to the
   * context. Checks metered by the event show its quantity at once.
   * @returns settles when the event is delivered or dropped; rejects only with `SchematicValidationError`.
   */
  async track(input: TrackInput): Promise<DeliveryResult> {
    const v = validateTrack(input);
    this.#start();
    const c = this.#session.context;
    const wait = this.#options.waitForContext && !(v.user || v.company || c.user || c.company);
    return this.#queue.enqueue(this.#event("track", toWireTrackBody(v, c)), wait);
  }

  /**
   * A flag's value for the current context: from the cache when answered
   * within `flagCacheTtl`, else from the API (joining an identical request in
   * flight). If that fails: the value last known for this context, else `fallback`.
   */
  async checkFlag(key: string, options: { fallback?: boolean } = {}): Promise<boolean> {
    return (await this.#check(key))?.value ?? options.fallback ?? false;
  }

  /**
   * A flag's whole check (entitlement, allocation, usage) for the current
   * context, as `checkFlag` finds it; on failure with nothing known,
   * `{ flag, value: fallback, reason: "fallback" }`.
   */
  async checkEntitlement(key: string, options: { fallback?: boolean } = {}): Promise<FlagCheck> {
    return (await this.#check(key)) ?? { flag: key, value: options.fallback ?? false, reason: "fallback" };
  }

  /** Every flag's value for the current context, from the API; on failure, the values known. */
  async checkFlags(): Promise<Readonly<Record<string, boolean>>> {
    this.#start();
    await this.#flags.ask();
    return this.#flags.values;
  }

  /** A flag's value as shown (undefined if unknown). Sends nothing. */
  getFlag(key: string): boolean | undefined {
    return this.#flags.values[key];
  }

  /** A flag's check as shown, this client's undelivered usage included (undefined if unknown). Sends nothing. */
  getFlagCheck(key: string): Readonly<FlagCheck> | undefined {
    return this.#flags.checks[key];
  }

  /** The company's plan, once a bulk flag answer (or the bootstrap) told it. Sends nothing. */
  getPlan(): Readonly<Plan> | undefined {
    return this.#flags.plan;
  }

  /** The context later calls are about. */
  getContext(): Readonly<Context> {
    return this.#session.context;
  }

  /** Sets the context without sending an identify. Values shown stay until the new context's answers arrive. */
  setContext(context: Context): void {
    const v = validateContext(context);
    this.#start();
    this.#setContext(v);
    this.#flags.identifying();
  }

  /** Log-out: clears the context and known flags and starts a new anonymous id. Queued events stay. */
  reset(): void {
    this.#start();
    this.#session.reset();
    // Tells the store: the snapshot's context and flags change together.
    this.#flags.clear();
    this.#session.save();
  }

  /** Resolves when every event queued before the call is delivered or dropped (through retries), or after `timeout` ms. */
  flush(timeout?: number): Promise<void> {
    this.#start();
    return this.#queue.flush(timeout);
  }

  /** Stops for good: timers and page listeners end; queued events stay stored for a later page or another tab. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#store.clear();
    this.#flags.watch(false);
    this.#queue.close();
    this.#stop();
  }

  /** Calls `listener` after the snapshot changes; returns the unsubscribe function. A pure read: it starts nothing. */
  subscribe(listener: () => void): () => void {
    return this.#store.subscribe(listener);
  }

  /** The current state; the same object until something in it changes. A pure read. */
  getSnapshot(): SchematicSnapshot {
    return this.#store.get();
  }

  /** The state for server rendering and hydration: the bootstrap values, never anything stored. */
  getServerSnapshot(): SchematicSnapshot {
    return this.#server;
  }

  #start(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    this.#lifecycle.start();
  }

  #stop(): void {
    if (!this.#running) return;
    this.#running = false;
    this.#lifecycle.stop();
  }

  async #check(key: string): Promise<Readonly<FlagCheck> | undefined> {
    validateFlagKey(key);
    this.#start();
    const flags = this.#flags;
    const got = flags.isFresh(key) ? undefined : await flags.ask(key);
    // The check shown (this client's usage included); else the answer for the context asked about.
    return flags.known(key) ?? got?.[key];
  }

  #setContext(context: Context): void {
    const session = this.#session;
    if (!session.set(context)) return;
    // The snapshot shows the context: it changed even when no flag shown did.
    this.#store.changed();
    this.#flags.contextChanged();
    if (context.user || context.company) this.#queue.fill(context);
    session.save();
  }
}
