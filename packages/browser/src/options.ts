/** Options, their defaults, and the result and snapshot types of the browser client. */
import {
  type Context,
  type FetchFunction,
  type FlagCheck,
  optionRules as is,
  type OptionRule,
  type Plan,
  type Storage,
  type Timers,
  type WireEvent,
} from "@schematic-sdk/core";
import type { WebSocketConstructor } from "./live";
import type { LockManagerLike, PageLifecycle } from "./platform";

/** Why an event was given up. */
export type DropReason =
  /** The queue was full (`maxQueueSize`); the oldest event made room. */
  | "overflow"
  /** The API refused it with a 4xx other than 408/429: sending it again would fail the same way. */
  | "rejected"
  /** It failed `maxAttempts` times. */
  | "attempts"
  /** It was older than `maxEventAge`. */
  | "expired"
  /** It was queued after `close()`. */
  | "closed";

/** What `onDrop` receives. */
export interface DroppedEvent {
  event: WireEvent;
  reason: DropReason;
  /** The last error, for `rejected` and `attempts`. */
  error?: unknown;
}

/**
 * How an `identify` or `track` ended. The promise never rejects for network
 * trouble: it settles with one of these.
 */
export type DeliveryResult =
  | { status: "delivered" }
  /** An identical `identify` was already queued or delivered; nothing was sent. */
  | { status: "deduplicated" }
  | { status: "dropped"; reason: DropReason; error?: unknown }
  /** `close()` ran first (or the page was restored after another tab took the queue): the event waits in storage for a later page or another tab. */
  | { status: "persisted" };

/** Values for the very first snapshot, e.g. rendered by a server. */
export interface Bootstrap {
  /** The context the values below were computed for. Used instead of a persisted one. */
  context?: Context | undefined;
  /** Known flag values: `getFlag` and the snapshot have them before any request. */
  flags?: Record<string, boolean> | undefined;
  /** Known flag checks (entitlements with their usage); a flag in both takes its check. */
  checks?: Record<string, FlagCheck> | undefined;
  /** The company's plan. */
  plan?: Plan | undefined;
}

export interface SchematicOptions {
  /**
   * Base URL of the API (flag checks).
   * @default "https://api.schematichq.com"
   */
  apiUrl?: string | undefined;
  /**
   * Base URL of event capture (`POST /e`, `POST /batch`).
   * @default "https://c.schematichq.com"
   */
  eventUrl?: string | undefined;
  /** Where the queue, context and anonymous id live. `localStorage` by default (memory where there is none). */
  storage?: Storage | undefined;
  /** The `fetch` to use; the global one by default. */
  fetch?: FetchFunction | undefined;
  /** Timer functions; the global ones by default (read at call time, so fake timers work). */
  timers?: Timers | undefined;
  /** Page events (hide, show, online) and the online flag; the window's by default. */
  lifecycle?: PageLifecycle | undefined;
  /** Cross-tab locks; `navigator.locks` by default. `null` uses the storage lease. */
  locks?: LockManagerLike | null | undefined;
  /**
   * Milliseconds an event waits for companions before a send starts.
   * @default 100
   */
  flushInterval?: number | undefined;
  /**
   * Events kept at most; the oldest is dropped to make room.
   * @default 1000
   */
  maxQueueSize?: number | undefined;
  /**
   * Sends of one event before it is given up.
   * @default 10
   */
  maxAttempts?: number | undefined;
  /**
   * Milliseconds after which an undelivered event is given up.
   * @default 86400000 (24 h)
   */
  maxEventAge?: number | undefined;
  /** Told of every event given up. */
  onDrop?: ((dropped: DroppedEvent) => void) | undefined;
  /**
   * Logs each event and decision (queued, delivered, dropped with its reason,
   * error and request id), each request (method, URL, status, time), each
   * retry (its delay and reason) and, once each, a flag the API does not know.
   * `true` writes them with `console.debug`; a function gets them instead
   * (route them to your own logger). Keys never appear.
   * @default false
   */
  debug?: boolean | ((...args: unknown[]) => void) | undefined;
  /**
   * `"event"`: one `POST /e` per event (the hosted API). `"batch"`: up to 100 events per `POST /batch`.
   * @default "event"
   */
  transport?: "event" | "batch" | undefined;
  /**
   * Milliseconds a flag answer is used by `checkFlag` before it asks the API
   * again (`getFlag` and the snapshot keep showing the last answer meanwhile).
   * While the client is mounted, answers shown are asked again this often.
   * @default 60000
   */
  flagCacheTtl?: number | undefined;
  /**
   * Queue a `flag_check` event for each flag the API answers.
   * @default false
   */
  trackFlagChecks?: boolean | undefined;
  /**
   * Hold a `track` made before any context is known until `identify` or `setContext` gives one.
   * @default false
   */
  waitForContext?: boolean | undefined;
  /** Values for the very first snapshot (server rendering, hydration). */
  bootstrap?: Bootstrap | undefined;
  /**
   * Live flag values over one WebSocket, opened by `mount()` and closed by the
   * last `unmount()` or `close()`: the server pushes each change, and no flag
   * request is sent while the socket answers (requests work as usual while it
   * is down). `true` uses `apiUrl` (`http`→`ws`); `{ url }` sets the WebSocket
   * base (`ws://`, `wss://`, or an `http(s)://` URL taken as its `ws(s)://` twin).
   * Its code is loaded only when this is on.
   * @default false
   */
  live?: boolean | { url?: string | undefined } | undefined;
  /** The WebSocket implementation for `live` (on Node: the `ws` package's `WebSocket`). The global one by default. */
  webSocket?: WebSocketConstructor | undefined;
}

/** Every default value in one place. (Switches — `debug`, `trackFlagChecks`, `waitForContext` — are off when absent; `transport` is `"event"` unless `"batch"`.) */
export const DEFAULTS = Object.freeze({
  apiUrl: "https://api.schematichq.com",
  eventUrl: "https://c.schematichq.com",
  flushInterval: 100,
  maxQueueSize: 1000,
  maxAttempts: 10,
  maxEventAge: 86_400_000,
  flagCacheTtl: 60_000,
  live: false as SchematicOptions["live"],
} satisfies SchematicOptions);

/** What each option takes: `new Schematic` refuses anything else, and any name not here. */
export const OPTION_RULES: Record<keyof SchematicOptions, OptionRule> = {
  apiUrl: is.url,
  eventUrl: is.url,
  storage: is.methods("get", "set", "remove"),
  fetch: is.function,
  timers: is.methods("setTimeout", "clearTimeout"),
  lifecycle: is.methods("subscribe", "online"),
  locks: (v) => (v === null ? undefined : is.methods("request")(v)),
  flushInterval: is.ms(0),
  maxQueueSize: is.count(1),
  maxAttempts: is.count(1),
  maxEventAge: is.ms(1),
  onDrop: is.function,
  debug: (v) =>
    typeof v === "function" ? undefined : is.switch(v) && "true, false or a function like console.log",
  transport: is.oneOf("event", "batch"),
  flagCacheTtl: is.ms(0),
  trackFlagChecks: is.switch,
  waitForContext: is.switch,
  bootstrap: is.object,
  // A plain `{}` holds nothing else than a ws(s) or http(s) `url`, or nothing.
  live: (v) =>
    /^(true|false|\{\}|\{"url":"(ws|http)s?:\/\/[^"]+"\})$/.test(JSON.stringify(v))
      ? undefined
      : 'true, or { url: "wss://…" }',
  webSocket: is.function,
};

/** Queue figures, as the snapshot holds them. */
export interface QueueStats {
  /** Events waiting (this tab's, including any adopted from closed tabs). */
  readonly pending: number;
  /** Events this client delivered. */
  readonly delivered: number;
  /** Events this client gave up (each also reported to `onDrop`). */
  readonly dropped: number;
}

/**
 * The external store's state: immutable, replaced only when something in it
 * changes, so `snapshot === previous` means nothing changed.
 */
export interface SchematicSnapshot {
  readonly context: Readonly<Context>;
  /** Each flag's value: the boolean view of `checks`. */
  readonly flags: Readonly<Record<string, boolean>>;
  /** Each flag's check, with this client's tracked usage not yet delivered added. */
  readonly checks: Readonly<Record<string, Readonly<FlagCheck>>>;
  /** The company's plan, once a bulk answer (or the bootstrap) has told it. */
  readonly plan?: Readonly<Plan> | undefined;
  /** A flag answer is in (or failed, so fallbacks apply), or flags were bootstrapped or restored. */
  readonly isReady: boolean;
  readonly queue: QueueStats;
}
