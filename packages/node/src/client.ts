/**
 * `SchematicClient`: the server client. Upserts are request/response; events
 * are buffered and sent in batches; flag checks are short, cached, and fall
 * back instead of failing.
 */
import {
  type Company,
  type Context,
  createLogger,
  fromWireCompany,
  fromWireUser,
  HttpClient,
  type IdentifyInput,
  isSchematicApiError,
  type Logger,
  requestWithRetries,
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
  validateContext,
  validatedJson,
  validateFlagKey,
  validateIdentify,
  validateTrack,
  validateUpsertCompany,
  validateUpsertUser,
  type WireCompany,
  type WireEnvelope,
  type WireFlagCheck,
  type WireUser,
} from "@schematic-sdk/core";
import { type ResolvedOptions, resolveOptions } from "./config";
import type { CheckFlagOptions, RequestCallOptions, SchematicClientOptions } from "./defaults";
import { EventBuffer, type EventBufferStats } from "./eventBuffer";
import { FlagCache } from "./flagCache";
import { backgroundTimers, foregroundTimers } from "./timers";
import { defaultFetch } from "./transport";

const CLIENT_VERSION = `@schematic-sdk/node@${VERSION}`;

/** An upsert asked to wait longer than this by `Retry-After` throws the 429/503 instead of waiting. */
const MAX_UPSERT_RETRY_AFTER = 30_000;

/**
 * A `track` event; `idempotencyKey` lets the server drop a repeat of the same event.
 * @example
 * ```ts
 * schematic.track({ event: "export", company: { id: "acme" }, quantity: 3, idempotencyKey: `export-${jobId}` });
 * ```
 */
export interface ServerTrackInput extends TrackInput {
  idempotencyKey?: string;
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
  readonly #o: ResolvedOptions;
  readonly #api: HttpClient;
  readonly #log: Logger;
  readonly #events: EventBuffer;
  readonly #flags: FlagCache;
  readonly #flagAsks = new Map<string, Promise<boolean | undefined>>();
  #flagFailureLogged = false;
  #closed = false;

  /** @throws SchematicConfigError when the key is missing or publishable, or an option is invalid. */
  constructor(options: SchematicClientOptions) {
    const o = resolveOptions(options);
    this.#o = o;
    this.#log = createLogger({ logger: o.logger, apiKey: o.apiKey, level: o.logLevel });
    const common = {
      apiKey: o.apiKey,
      clientVersion: CLIENT_VERSION,
      headers: o.headers,
      fetch: o.fetch ?? defaultFetch,
      timers: backgroundTimers,
    };
    this.#api = new HttpClient({
      ...common,
      baseUrl: o.apiUrl,
      timeout: o.timeout,
      // Someone awaits every API call: its timers must keep the process alive (unlike the buffer's).
      timers: foregroundTimers,
    });
    this.#events = new EventBuffer({
      apiKey: o.apiKey,
      http: new HttpClient({ ...common, baseUrl: o.eventUrl, timeout: o.timeout }),
      timers: backgroundTimers,
      logger: this.#log,
      flushInterval: o.flushInterval,
      maxBatchSize: o.maxBatchSize,
      maxQueueSize: o.maxQueueSize,
      maxAttempts: o.maxEventAttempts,
    });
    this.#flags = new FlagCache({ ttl: o.flagCacheTtl, size: o.flagCacheSize });
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
   * @throws SchematicValidationError for bad input; SchematicError after `close()`.
   */
  identify(input: IdentifyInput): void {
    const body = toWireIdentifyBody(validateIdentify(input));
    this.#open();
    this.#events.push("identify", body);
  }

  /**
   * Buffers a track event; sent with the next batch.
   * @throws SchematicValidationError for bad input; SchematicError after `close()`.
   */
  track(input: ServerTrackInput): void {
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
    this.#events.push("track", toWireTrackBody(valid), idempotencyKey);
  }

  /**
   * A flag's value for a company and/or user. Answers from a short-lived
   * cache when it can; on any failure or after `flagTimeout` it answers
   * `fallback` (and logs the first failure).
   * @throws SchematicValidationError for a bad key or context.
   */
  async checkFlag(key: string, context: Context = {}, options: CheckFlagOptions = {}): Promise<boolean> {
    const flag = validateFlagKey(key);
    const ctx = validateContext(context);
    const fallback = options.fallback ?? false;
    // A validated context's maps are in sorted order: its JSON does not depend on the caller's key order.
    const cacheKey = `${flag}\n${validatedJson(ctx)}`;
    const cached = this.#flags.get(cacheKey);
    if (cached !== undefined) return cached;
    let ask = this.#flagAsks.get(cacheKey);
    if (!ask) {
      ask = this.#api
        .request<WireEnvelope<WireFlagCheck>>({
          path: `/flags/${encodeURIComponent(flag)}/check`,
          body: ctx,
          timeout: options.timeout ?? this.#o.flagTimeout,
        })
        .then(
          ({ data }) => {
            const value = data?.value === true;
            this.#flags.set(cacheKey, value);
            this.#flagFailureLogged = false;
            return value;
          },
          (error: unknown) => {
            if (!this.#flagFailureLogged) {
              this.#flagFailureLogged = true;
              this.#log.warn(
                `flag check "${flag}" failed; answering fallbacks until one succeeds:`,
                (error as Error)?.message ?? error,
              );
            }
            return undefined;
          },
        )
        .finally(() => this.#flagAsks.delete(cacheKey));
      this.#flagAsks.set(cacheKey, ask);
    }
    return (await ask) ?? fallback;
  }

  /** Resolves when every event buffered before the call is delivered or dropped (through retries). */
  flush(): Promise<void> {
    return this.#events.flush();
  }

  /** Sends everything buffered, then refuses new events. Safe to call more than once. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#events.flush();
    this.#events.stop();
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
    const response = await requestWithRetries<WireEnvelope<T> | undefined>(this.#api, {
      path,
      body,
      signal: options.signal,
      timeout: options.timeout,
      retries: this.#o.maxRetries,
      timers: foregroundTimers,
      retryPolicy: { maxRetryAfter: MAX_UPSERT_RETRY_AFTER },
      onRetry: ({ attempt, delay, error }) => {
        // The policy caps a long Retry-After; a request/response call fails fast instead.
        if (isSchematicApiError(error) && (error.retryAfter ?? 0) > MAX_UPSERT_RETRY_AFTER) throw error;
        this.#log.debug(`retry ${attempt} in ${delay} ms:`, error.message);
      },
    });
    if (!response || typeof response !== "object" || !response.data) {
      throw new SchematicError(`POST ${this.#o.apiUrl}${path} answered without a record (no "data")`);
    }
    return response.data;
  }
}
