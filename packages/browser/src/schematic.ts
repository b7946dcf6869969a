/**
 * `Schematic`, the browser client: the context, the identify/track queue, flag
 * checks with a cache, and an external store (`subscribe`/`getSnapshot`) for
 * UI bindings. Construction does no I/O; storage, timers, page events and
 * tabs are set up on first use.
 */
import {
  type Context,
  defaultTimers,
  type EventType,
  HttpClient,
  type IdentifyInput,
  isPlainObject,
  isSecretKey,
  jsonEqual,
  SchematicConfigError,
  type TrackInput,
  toWireTrackBody,
  uuid,
  VERSION,
  validateContext,
  validateFlagKey,
  validateIdentify,
  validateTrack,
  type WireEvent,
  type WireFlagCheck,
  type WireFlagsCheck,
} from "@schematic-sdk/core";
import { DEFAULTS, type DeliveryResult, type SchematicOptions, type SchematicSnapshot } from "./options";
import { browserPlatform } from "./platform";
import { EventQueue } from "./queue";
import { queueKey, Tabs } from "./tabs";
import { readJson, Writer } from "./writer";

type Resolved = SchematicOptions & Required<Pick<SchematicOptions, keyof typeof DEFAULTS>>;
type Flags = Readonly<Record<string, boolean>>;
/** What is stored across pages: the context, the last identify, the flags known for the context and the anonymous id. */
interface Saved {
  c?: Context;
  l?: IdentifyInput | undefined;
  f?: Record<string, boolean> | undefined;
  u?: string;
}

const freeze = Object.freeze;
const NO_FLAGS: Flags = freeze({});

/** Freezes a context and its key maps: snapshots hand it out as is. */
function freezeContext(context: Context): Readonly<Context> {
  freeze(context.user);
  freeze(context.company);
  return freeze(context);
}

let lastMs = 0;
let lastIso = "";
/** `Date#toISOString` of now, formatted once per millisecond: bursts of events share it. */
function now(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}

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
  readonly #key: string;
  readonly #o: Resolved;
  readonly #server: SchematicSnapshot;
  readonly #listeners = new Set<() => void>();
  readonly #asks = new Map<string, Promise<Flags | undefined>>();
  #snap: SchematicSnapshot | undefined;
  #ctx: Readonly<Context>;
  /** The context's identity, made when first needed (see `#ctxKey`). */
  #ctxId: string | undefined;
  #flags: Flags;
  /** When each known flag was answered or bootstrapped (ms); a restored value has none, so `checkFlag` asks again. */
  #fresh: Record<string, number> = {};
  #ready: boolean;
  #last: IdentifyInput | undefined;
  #anon = "";
  /** Storage key of what `Saved` holds (one string, so the writer's map never hashes a new one). */
  #savedKey = "";
  #notifying = false;
  #closed = false;
  #q: EventQueue | undefined;
  #writer: Writer | undefined;
  #tabs: Tabs | undefined;
  #api: HttpClient | undefined;
  #off: (() => void) | undefined;
  #log: (...args: unknown[]) => void = () => {};

  /**
   * @param publishableKey your publishable key (`api_…`); a secret key (`sch_…`) throws `SchematicConfigError`.
   * @throws SchematicConfigError for a missing or secret key; SchematicValidationError for a bad `bootstrap.context`.
   */
  constructor(publishableKey: string, options: SchematicOptions = {}) {
    if (typeof publishableKey !== "string" || !publishableKey || isSecretKey(publishableKey)) {
      throw new SchematicConfigError("Pass a publishable key (api_…), never a secret one (sch_…)");
    }
    this.#key = publishableKey;
    const o = { ...DEFAULTS } as Resolved;
    for (const [name, value] of Object.entries(options))
      if (value !== undefined) (o as never)[name] = value as never;
    this.#o = o;
    const boot = o.bootstrap;
    this.#ctx = freezeContext(boot?.context ? validateContext(boot.context) : {});
    this.#flags = freeze({ ...boot?.flags });
    for (const key in this.#flags) this.#fresh[key] = Date.now();
    this.#ready = !!boot?.flags;
    this.#server = this.#snap = this.#build();
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
      const q = this.#init();
      const context: Context = { user: v.keys };
      if (v.company) context.company = v.company.keys;
      this.#setContext(context);
      if (jsonEqual(v, this.#last)) return Promise.resolve({ status: "deduplicated" });
      this.#last = v;
      this.#save();
      // The validated copy is already the wire body (`toWireIdentifyBody` would copy it unchanged; a test pins that).
      return q.enqueue(this.#event("identify", v));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Queues a usage or behaviour event; `company` and `user` default to the context.
   * @returns settles when the event is delivered or dropped; rejects only with `SchematicValidationError`.
   */
  async track(input: TrackInput): Promise<DeliveryResult> {
    const v = validateTrack(input);
    const q = this.#init();
    const c = this.#ctx;
    const wait = this.#o.waitForContext && !(v.user || v.company || c.user || c.company);
    return q.enqueue(this.#event("track", toWireTrackBody(v, c)), wait);
  }

  /**
   * A flag's value for the current context: from the cache when answered
   * within `flagCacheTtl`, else from the API (joining an identical request in
   * flight). If that fails: the value last known for this context, else `fallback`.
   */
  async checkFlag(key: string, options: { fallback?: boolean } = {}): Promise<boolean> {
    validateFlagKey(key);
    this.#init();
    // Never answered: `now - undefined` is NaN, never under the TTL.
    if (Date.now() - this.#fresh[key]! < this.#o.flagCacheTtl) return this.#flags[key]!;
    const got = await (this.#asks.get(this.#ctxKey()) ?? this.#ask(key));
    return got?.[key] ?? this.#flags[key] ?? options.fallback ?? false;
  }

  /** Every flag's value for the current context, from the API; on failure, the values known. */
  async checkFlags(): Promise<Readonly<Record<string, boolean>>> {
    this.#init();
    return (await this.#ask()) ?? this.#flags;
  }

  /** A flag's known value for the current context, or undefined. Sends nothing. */
  getFlag(key: string): boolean | undefined {
    this.#init();
    return this.#flags[key];
  }

  /** The context later calls are about. */
  getContext(): Readonly<Context> {
    this.#init();
    return this.#ctx;
  }

  /** Sets the context without sending an identify. Flags known for the old context are forgotten. */
  setContext(context: Context): void {
    const v = validateContext(context);
    this.#init();
    this.#setContext(v);
  }

  /** Log-out: clears the context and known flags and starts a new anonymous id. Queued events stay. */
  reset(): void {
    this.#init();
    this.#setContext({});
    this.#last = undefined;
    this.#anon = uuid();
    this.#save();
  }

  /** Resolves when every event queued before the call is delivered or dropped (through retries), or after `timeout` ms. */
  flush(timeout?: number): Promise<void> {
    return this.#init().flush(timeout);
  }

  /** Stops timers and page listeners; queued events stay stored for a later page or another tab. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    const q = this.#q;
    if (!q) return;
    this.#off?.();
    q.close();
    this.#writer!.flush();
    this.#tabs!.stop();
  }

  /** Calls `listener` after the snapshot changes; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.#init();
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** The current state; the same object until something in it changes. */
  getSnapshot(): SchematicSnapshot {
    this.#init();
    this.#snap ??= this.#build();
    return this.#snap;
  }

  /** The state for server rendering and hydration: the bootstrap values, never anything stored. */
  getServerSnapshot(): SchematicSnapshot {
    return this.#server;
  }

  /** First use: storage, page events, tabs. */
  #init(): EventQueue {
    if (this.#q) return this.#q;
    const o = this.#o;
    const env = browserPlatform();
    const storage = o.storage ?? env.storage;
    const timers = o.timers ?? defaultTimers;
    const lifecycle = o.lifecycle ?? env.lifecycle;
    const writer = new Writer(storage, timers);
    // The key's tail keeps two keys on one origin apart (publishable keys are public anyway).
    const prefix = `schematic:${this.#key.slice(-8)}:`;
    const clientVersion = `@schematic-sdk/browser@${VERSION}`;
    const log = o.debug ? (...args: unknown[]) => console.debug("[schematic]", ...args) : this.#log;
    this.#writer = writer;
    this.#savedKey = `${prefix}s`;
    this.#log = log;
    const client = (baseUrl: string, apiKey?: string) =>
      new HttpClient({ baseUrl, apiKey, clientVersion, fetch: o.fetch, timers });
    this.#api = client(o.apiUrl, this.#key);

    const saved = (readJson(storage, this.#savedKey) ?? {}) as Saved;
    this.#last = saved.l;
    // Stored by this client after validation, so taken as it is.
    if (!o.bootstrap?.context && isPlainObject(saved.c)) {
      this.#ctx = freezeContext(saved.c);
      this.#ctxId = undefined;
      this.#snap = undefined;
      if (!o.bootstrap?.flags && isPlainObject(saved.f)) {
        this.#flags = freeze(saved.f);
        this.#ready = true;
      }
    }
    this.#anon = saved.u ?? uuid();
    if (!saved.u) this.#save();

    const tabs = new Tabs({
      writer,
      timers,
      locks: o.locks === undefined ? env.locks : o.locks,
      prefix,
      adopt: (entries) => {
        q.adopt(entries);
        if (this.#ctx.user || this.#ctx.company) q.fill(this.#ctx);
      },
      ready: () => q.open(),
    });
    const q = new EventQueue({
      ...o,
      // `POST /e` carries the key in the body only; `POST /batch` also wants it as a header.
      http: client(o.eventUrl, o.transport === "batch" ? this.#key : undefined),
      writer,
      key: queueKey(prefix, tabs.id),
      timers,
      online: () => lifecycle.online(),
      changed: this.#changed,
      log,
      batch: o.transport === "batch",
    });
    this.#q = q;
    this.#tabs = tabs;
    if (this.#closed) {
      q.close();
      return q;
    }
    this.#off = lifecycle.subscribe((event) => {
      if (event === "online") return q.pump();
      if (event === "pageshow") {
        tabs.start();
        return q.show();
      }
      q.pump(true);
      writer.flush();
      if (event === "pagehide") {
        q.hidden = true;
        tabs.stop();
      }
    });
    tabs.start();
    return q;
  }

  /** The envelope of `POST /e` (core's `createEvent`, inlined: its general options cost bytes this client never uses). */
  #event(type: EventType, body: WireEvent["body"]): WireEvent {
    return {
      api_key: this.#key,
      type,
      body,
      sent_at: now(),
      tracker_event_id: uuid(),
      tracker_user_id: this.#anon,
    };
  }

  #setContext(context: Context): void {
    // Contexts come from validation or storage only: no undefined members, so equal content is equal JSON.
    if (jsonEqual(context, this.#ctx)) return;
    this.#ctx = freezeContext(context);
    this.#ctxId = undefined;
    this.#flags = NO_FLAGS;
    this.#fresh = {};
    if (context.user || context.company) this.#q!.fill(this.#ctx);
    this.#save();
    this.#changed();
  }

  /**
   * The context's identity, for flag requests and answers. Contexts only come
   * from validation (or from storage, written after it), whose key maps are
   * in sorted order, so plain JSON in a fixed field order is canonical.
   */
  #ctxKey(): string {
    this.#ctxId ??= JSON.stringify([this.#ctx.company, this.#ctx.user]);
    return this.#ctxId;
  }

  /** Asks the API for one flag (or all), joining an identical request in flight. Never rejects. */
  #ask(flag?: string): Promise<Flags | undefined> {
    const ctxKey = this.#ctxKey();
    const id = flag === undefined ? ctxKey : `${ctxKey}\n${flag}`;
    let answer = this.#asks.get(id);
    if (answer) return answer;
    const context = this.#ctx;
    answer = this.#api!.request<{ data: WireFlagCheck & WireFlagsCheck }>({
      path: flag === undefined ? "/flags/check" : `/flags/${encodeURIComponent(flag)}/check`,
      body: context,
    })
      .then(({ data }) => {
        const got: Record<string, boolean> = {};
        if (flag !== undefined) got[flag] = data.value === true;
        else for (const f of data.flags) got[f.flag] = f.value === true;
        const current = this.#ctxKey() === ctxKey;
        if (current) for (const f in got) this.#fresh[f] = Date.now();
        this.#merge(current ? got : {});
        if (flag !== undefined && this.#o.trackFlagChecks) {
          void this.#q!.enqueue(this.#event("flag_check", { flag, value: got[flag]!, ...context }));
        }
        return got;
      })
      .catch((error: unknown) => {
        this.#log("flag check failed", error);
        this.#merge({});
        return undefined;
      })
      .finally(() => this.#asks.delete(id));
    this.#asks.set(id, answer);
    return answer;
  }

  /** Takes an answer (an empty one for a failure: fallbacks apply). The snapshot changes only if something really does. */
  #merge(got: Flags): void {
    let changed = !this.#ready;
    this.#ready = true;
    for (const key in got) {
      if (this.#flags[key] !== got[key]) {
        this.#flags = freeze({ ...this.#flags, ...got });
        this.#save();
        changed = true;
        break;
      }
    }
    if (changed) this.#changed();
  }

  #save(): void {
    this.#writer!.mark(this.#savedKey, this.#saved);
  }

  readonly #saved = (): Saved => ({
    c: this.#ctx,
    l: this.#last,
    f: Object.keys(this.#flags).length > 0 ? this.#flags : undefined,
    u: this.#anon,
  });

  /** Something in the snapshot changed: rebuild it when next asked, tell listeners once per microtask. */
  #changed = (): void => {
    this.#snap = undefined;
    if (this.#notifying) return;
    this.#notifying = true;
    queueMicrotask(() => {
      this.#notifying = false;
      for (const listener of this.#listeners) listener();
    });
  };

  #build(): SchematicSnapshot {
    const q = this.#q;
    return freeze({
      context: this.#ctx,
      flags: this.#flags,
      isReady: this.#ready,
      queue: freeze({ pending: q?.pending ?? 0, delivered: q?.delivered ?? 0, dropped: q?.dropped ?? 0 }),
    });
  }
}
