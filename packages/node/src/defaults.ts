/** Options of `SchematicClient` and their defaults, in one place. */
import type { FetchFunction, Logger, LogLevel } from "@schematic-sdk/core";
import type { SchematicHooks } from "./api";
import type { FlagCacheProvider } from "./flagCache";

/**
 * Options of `SchematicClient`; only `apiKey` is required.
 * @example
 * ```ts
 * const options: SchematicClientOptions = { apiKey: process.env.SCHEMATIC_API_KEY!, apiUrl: "http://127.0.0.1:8787" };
 * ```
 */
export interface SchematicClientOptions {
  /** Your secret API key (`sch_…`). Never a publishable one (`api_…`): those are for browsers. */
  apiKey: string;
  /**
   * Base URL of the API.
   * @default "https://api.schematichq.com"
   */
  apiUrl?: string | undefined;
  /**
   * Base URL of event capture (`POST /batch`).
   * @default "https://c.schematichq.com"
   */
  eventUrl?: string | undefined;
  /**
   * Milliseconds one attempt of an upsert may take.
   * @default 10000
   */
  timeout?: number | undefined;
  /**
   * Retries of an upsert after a network error, timeout, 408, 429 or 5xx.
   * @default 2
   */
  maxRetries?: number | undefined;
  /**
   * The `fetch` every request goes through. By default: on Node, `node:http(s)`
   * with the global keep-alive agents (far less memory per request than Node's
   * `fetch`), switching to `globalThis.fetch` if that is replaced after the SDK
   * loads (a test mock); on other runtimes, `globalThis.fetch`.
   */
  fetch?: FetchFunction | undefined;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /**
   * Milliseconds between sends of buffered events.
   * @default 1000
   */
  flushInterval?: number | undefined;
  /**
   * Events per `POST /batch`; a full batch is sent at once.
   * @default 100
   */
  maxBatchSize?: number | undefined;
  /**
   * Buffered events kept at most (no bound by count unless given; `maxQueueBytes` always applies).
   */
  maxQueueSize?: number | undefined;
  /**
   * Bytes of buffered event JSON kept at most (a typical track event takes
   * 100-150 bytes, so the default holds about a million). Past it the oldest
   * unsent events are dropped, counted in `stats.droppedBy.overflow` and
   * logged. Above half of it `track()`/`identify()` answer false: await
   * `drained()` there to wait for room instead.
   * @default 134217728 (128 MiB)
   */
  maxQueueBytes?: number | undefined;
  /**
   * Sends of one batch before its events are dropped.
   * @default 10
   */
  maxEventAttempts?: number | undefined;
  /**
   * Milliseconds a flag check may take before its fallback is used.
   * @default 2000
   */
  flagTimeout?: number | undefined;
  /**
   * Milliseconds a flag answer is reused for the same flag and context. 0 turns the cache off.
   * @default 5000
   */
  flagCacheTtl?: number | undefined;
  /**
   * Flag answers cached at most (least recently used go first).
   * @default 1000
   */
  flagCacheSize?: number | undefined;
  /** Console-compatible logger; `console` by default. The API key is masked in everything it prints. */
  logger?: Logger | undefined;
  /**
   * Least severe level printed.
   * @default "warn"
   */
  logLevel?: LogLevel | undefined;
  /**
   * ky's hooks (`beforeRequest`, `afterResponse`, `beforeRetry`, `beforeError`)
   * for the request/response calls: upserts and flag checks (not the event
   * buffer's batches). ky's errors never reach you: a hook sees ky's, the
   * caller gets ours.
   */
  hooks?: SchematicHooks | undefined;
  /**
   * Where flag answers are kept: the in-memory LRU (`flagCacheSize`,
   * `flagCacheTtl`) by default, or a provider such as `redisFlagCache` from
   * `@schematic-sdk/node/redis` to share answers across processes.
   */
  flagCache?: FlagCacheProvider | undefined;
  /**
   * Send nothing at all: flag checks answer `flagDefaults` (else their
   * fallback) and events are counted and dropped with reason `offline`. For
   * tests and CI.
   * @default false
   */
  offline?: boolean | undefined;
  /** The answer of a flag whose check fails (or of every check when `offline`) when the call gives no `fallback`. */
  flagDefaults?: Record<string, boolean> | undefined;
}

/**
 * Every default of `SchematicClient`.
 * @example
 * ```ts
 * new SchematicClient({ apiKey, flushInterval: DEFAULTS.flushInterval * 5 });
 * ```
 */
export const DEFAULTS = Object.freeze({
  apiUrl: "https://api.schematichq.com",
  eventUrl: "https://c.schematichq.com",
  timeout: 10_000,
  maxRetries: 2,
  flushInterval: 1000,
  maxBatchSize: 100,
  maxQueueBytes: 128 * 1024 * 1024,
  maxEventAttempts: 10,
  flagTimeout: 2000,
  flagCacheTtl: 5000,
  flagCacheSize: 1000,
  logLevel: "warn" as LogLevel,
  offline: false,
} satisfies Partial<SchematicClientOptions>);

/**
 * Per-call options of `upsertCompany` and `upsertUser`.
 * @example
 * ```ts
 * await schematic.upsertCompany(input, { signal: AbortSignal.timeout(5000), timeout: 2000 });
 * ```
 */
export interface RequestCallOptions {
  /** Aborts the call; it then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** Overrides the client's per-attempt `timeout`. */
  timeout?: number | undefined;
}

/**
 * Per-call options of `checkFlag`.
 * @example
 * ```ts
 * await schematic.checkFlag("beta", { company: { id: "acme" } }, { fallback: true, timeout: 500 });
 * ```
 */
export interface CheckFlagOptions {
  /**
   * The answer when the check fails or times out.
   * @default false
   */
  fallback?: boolean | undefined;
  /** Overrides the client's `flagTimeout`. */
  timeout?: number | undefined;
}
