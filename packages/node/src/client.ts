/**
 * `SchematicClient`: the server client. Upserts are request/response; events
 * are buffered and sent in batches; flag checks are short, cached, and fall
 * back instead of failing.
 */
import {
  type Company,
  type Context,
  createLogger,
  type FlagCheck,
  fromWireCompany,
  fromWireUser,
  HttpClient,
  type IdentifyInput,
  type Logger,
  SchematicConfigError,
  SchematicError,
  SchematicValidationError,
  type TrackInput,
  toWireCompanyUpsert,
  toWireIdentifyBody,
  toWireTrackBody,
  toWireUserUpsert,
  type UpsertCompanyInput,
  type UpsertUserInput,
  type User,
  VERSION,
  validateIdentify,
  validateTrack,
  validateUpsertCompany,
  validateUpsertUser,
  type WireCompany,
  type WireEnvelope,
  type WireUser,
} from "@schematic-sdk/core";
import { ApiClient } from "./api";
import { type ResolvedOptions, resolveOptions } from "./config";
import type { CheckFlagOptions, RequestCallOptions, SchematicClientOptions } from "./defaults";
import { EventBuffer } from "./eventBuffer";
import type { EventBufferStats } from "./eventStats";
import { Flags } from "./flags";
import { backgroundTimers } from "./timers";
import { boundedTransport } from "./transport";

const CLIENT_VERSION = `@schematic-sdk/node@${VERSION}`;

/**
 * A `track` event; `idempotencyKey` lets the server drop a repeat of the same event.
 * @example
 * ```ts
 * schematic.track({ event: "export", company: { id: "acme" }, quantity: 3, idempotencyKey: `export-${jobId}` });
 * ```
 */
export interface ServerTrackInput extends TrackInput {
  idempotencyKey?: string | undefined;
}

/**
 * Options of `flush()` and `close()`.
 * @example
 * ```ts
 * await schematic.close({ timeout: 5000 });
 * ```
 */
export interface FlushOptions {
  /** Milliseconds to wait at most; by default until everything is delivered or dropped (through retries). */
  timeout?: number | undefined;
}

function checkTimeout(options: FlushOptions, method: string): number | undefined {
  const timeout = (options as FlushOptions | null)?.timeout;
  if (timeout === undefined) return undefined;
  if (typeof timeout !== "number" || !(timeout >= 0) || !Number.isFinite(timeout)) {
    throw new SchematicConfigError(
      `${method}({ timeout }) must be a number of milliseconds ≥ 0; got ${typeof timeout === "string" ? JSON.stringify(timeout) : String(timeout)}`,
    );
  }
  return timeout;
}

/**
 * The Schematic server client.
 *
 * @example
 * ```ts
 * const schematic = new SchematicClient({ apiKey: process.env.SCHEMATIC_API_KEY! });
 * const company = await schematic.upsertCompany({ keys: { id: "acme" }, name: "Acme", traits: { seats: 5 } });
 * schematic.track({ event: "query", company: { id: "acme" } });
 * await schematic.close();
 * ```
 */
export class SchematicClient {
  readonly #options: ResolvedOptions;
  readonly #api: ApiClient;
  readonly #log: Logger;
  readonly #events: EventBuffer;
  readonly #flags: Flags;
  #closed = false;

  /** @throws SchematicConfigError when the key is missing or publishable, or an option is invalid. */
  constructor(options: SchematicClientOptions) {
    const o = resolveOptions(options);
    this.#options = o;
    this.#log = createLogger({ logger: o.logger, apiKey: o.apiKey, level: o.logLevel });
    const send = boundedTransport(o.fetch);
    const headers = {
      "Content-Type": "application/json;charset=UTF-8",
      "X-Schematic-Client-Version": CLIENT_VERSION,
      ...o.headers,
      "X-Schematic-Api-Key": o.apiKey,
    };
    this.#api = new ApiClient({
      baseUrl: o.apiUrl,
      headers,
      send,
      hooks: o.hooks,
      debug: o.logLevel === "debug" ? this.#log.debug : undefined,
    });
    this.#events = new EventBuffer({
      apiKey: o.apiKey,
      http: new HttpClient({
        baseUrl: o.eventUrl,
        apiKey: o.apiKey,
        clientVersion: CLIENT_VERSION,
        headers: o.headers,
        fetch: send,
        timers: backgroundTimers,
        timeout: o.timeout,
      }),
      timers: backgroundTimers,
      logger: this.#log,
      flushInterval: o.flushInterval,
      maxBatchSize: o.maxBatchSize,
      maxQueueSize: o.maxQueueSize,
      maxQueueBytes: o.maxQueueBytes,
      maxAttempts: o.maxEventAttempts,
      offline: o.offline,
    });
    this.#flags = new Flags({
      api: this.#api,
      logger: this.#log,
      cache: o.flagCache,
      ttl: o.flagCacheTtl,
      size: o.flagCacheSize,
      timeout: o.flagTimeout,
      defaults: o.flagDefaults,
      offline: o.offline,
    });
  }

  /**
   * Creates or updates a company by its keys and returns the stored record.
   * Retries network errors, timeouts, 408, 429 and 5xx up to `maxRetries`; a `Retry-After` over 30 s throws at once.
   * @throws SchematicValidationError before any request; SchematicApiError, SchematicTimeoutError or SchematicNetworkError after.
   */
  async upsertCompany(input: UpsertCompanyInput, options: RequestCallOptions = {}): Promise<Company> {
    const body = toWireCompanyUpsert(validateUpsertCompany(input));
    return fromWireCompany(await this.#upsert<WireCompany>("/companies", body, options));
  }

  /**
   * Creates or updates a user by its keys, with memberships in `company`/`companies` (created if unknown).
   * @throws SchematicValidationError before any request; SchematicApiError, SchematicTimeoutError or SchematicNetworkError after.
   */
  async upsertUser(input: UpsertUserInput, options: RequestCallOptions = {}): Promise<User> {
    const body = toWireUserUpsert(validateUpsertUser(input));
    return fromWireUser(await this.#upsert<WireUser>("/users", body, options));
  }

  /**
   * Buffers an identify event (user, and optionally their company); sent with the next batch.
   * Answers false when the buffer is above its high-water mark (see `drained()`).
   * @throws SchematicValidationError for bad input; SchematicError after `close()`.
   */
  identify(input: IdentifyInput): boolean {
    const body = toWireIdentifyBody(validateIdentify(input));
    this.#open();
    return this.#events.push("identify", body);
  }

  /**
   * Buffers a track event; sent with the next batch. Answers false when the
   * buffer is above its high-water mark (half of `maxQueueBytes`): a producer
   * of a large burst awaits `drained()` then, and loses nothing.
   * @throws SchematicValidationError for bad input; SchematicError after `close()`.
   */
  track(input: ServerTrackInput): boolean {
    const valid = validateTrack(input);
    const idempotencyKey = (input as { idempotencyKey?: unknown } | null)?.idempotencyKey;
    if (
      idempotencyKey !== undefined &&
      (typeof idempotencyKey !== "string" || idempotencyKey.length === 0 || idempotencyKey.length > 255)
    ) {
      throw new SchematicValidationError([
        { path: "idempotencyKey", message: "must be a non-empty string of at most 255 characters" },
      ]);
    }
    this.#open();
    return this.#events.push("track", toWireTrackBody(valid), idempotencyKey);
  }

  /**
   * Resolves at once while the buffer is below its high-water mark, else
   * when the events waiting are down to a quarter of `maxQueueBytes`.
   * @example
   * ```ts
   * for (const row of rows) if (!schematic.track({ event: "import", company: row.company })) await schematic.drained();
   * ```
   */
  drained(): Promise<void> {
    return this.#events.drained();
  }

  /**
   * A flag's value for a company and/or user. Answers from the flag cache
   * when it can; on any failure or after `flagTimeout` it answers `fallback`
   * (else `flagDefaults[key]`, else false) and logs the first failure.
   * @throws SchematicValidationError for a bad key or context.
   */
  checkFlag(key: string, context?: Context, options?: CheckFlagOptions): Promise<boolean> {
    return this.#flags.value(key, context, options);
  }

  /**
   * A flag's whole answer: value, reason, and for an entitlement its rule,
   * allocation, usage and period. On failure it answers
   * `{ flag, value: fallback, reason: "fallback" }`.
   * @throws SchematicValidationError for a bad key or context.
   * @example
   * ```ts
   * const queries = await schematic.checkEntitlement("queries", { company: { id: "acme" } });
   * if (queries.featureUsageExceeded) showUpgrade(`${queries.featureUsage} of ${queries.featureAllocation} used`);
   * ```
   */
  checkEntitlement(key: string, context?: Context, options?: CheckFlagOptions): Promise<FlagCheck> {
    return this.#flags.check(key, context, options);
  }

  /**
   * Resolves when every event buffered before the call is delivered or
   * dropped (through retries), or after `timeout` ms, with how many events
   * are still pending (0 when everything settled).
   * @example
   * ```ts
   * const { pending } = await schematic.flush({ timeout: 2000 });
   * ```
   */
  flush(options: FlushOptions = {}): Promise<{ pending: number }> {
    return this.#events.flush(checkTimeout(options, "flush"));
  }

  /**
   * Sends everything buffered (waiting at most `timeout` ms), then refuses
   * new events; resolves with how many events were left unsent. Safe to call
   * more than once.
   * @example
   * ```ts
   * const { pending } = await schematic.close({ timeout: 5000 }); // the end of a serverless handler
   * ```
   */
  async close(options: FlushOptions = {}): Promise<{ pending: number }> {
    const timeout = checkTimeout(options, "close");
    this.#closed = true;
    const [left] = await Promise.all([this.#events.flush(timeout), this.#flags.settle()]);
    this.#events.stop();
    return left;
  }

  /** Buffer figures: events pending, delivered and dropped, and batch requests sent. */
  get stats(): Readonly<EventBufferStats> {
    return { ...this.#events.stats };
  }

  /** @throws SchematicError after `close()`. */
  #open(): void {
    if (this.#closed) {
      throw new SchematicError("SchematicClient is closed: create a new client to send more events");
    }
  }

  async #upsert<T>(path: string, body: unknown, options: RequestCallOptions): Promise<T> {
    if (this.#options.offline) {
      throw new SchematicError(
        `SchematicClient is offline: ${path.slice(1)} are not upserted (offline: true)`,
      );
    }
    const response = (await this.#api.post({
      path,
      body: JSON.stringify(body),
      signal: options.signal,
      timeout: options.timeout ?? this.#options.timeout,
      retries: this.#options.maxRetries,
    })) as WireEnvelope<T> | undefined;
    if (!response || typeof response !== "object" || !response.data) {
      throw new SchematicError(`POST ${this.#options.apiUrl}${path} answered without a record (no "data")`);
    }
    return response.data;
  }
}
