/**
 * The one HTTP client of the SDK, on the standard `fetch`: base URL, headers,
 * a per-attempt timeout, caller `AbortSignal`s, the shared retry policy, and
 * every failure mapped to a `SchematicError`. Nothing platform-specific: it
 * runs wherever `fetch` exists.
 */
import { monotonicNow } from "./clock";
import { SchematicApiError, SchematicError, SchematicNetworkError, SchematicTimeoutError } from "./errors";
import { Backoff, parseRetryAfter, type RetryPolicy } from "./retry";
import { defaultTimers, sleep, type Timers } from "./timers";

/** The part of a `fetch` `Response` the client reads. */
export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** The body as a stream, when the `fetch` gives one: read up to `MAX_RESPONSE_BYTES`. */
  readonly body?: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** A response body longer than this (a misbehaving proxy streaming forever) fails the request instead of filling memory. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** What `onResult` hears of each request: its status (none when it never got one), its time, and its error. */
export interface RequestResult {
  method: string;
  url: string;
  status?: number | undefined;
  ms: number;
  error?: unknown;
}

/** `fetch`, or anything that sends a request the same way and answers a `ResponseLike`. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<ResponseLike>;

export interface HttpClientOptions {
  /** Base URL every path is appended to, e.g. `https://api.schematichq.com`. */
  baseUrl: string;
  /** Sent as `X-Schematic-Api-Key` when given. */
  apiKey?: string | undefined;
  /** `<package>@<version>`, sent as `X-Schematic-Client-Version`. */
  clientVersion: string;
  /** Extra headers on every request. */
  headers?: Record<string, string> | undefined;
  /**
   * Per-attempt timeout in milliseconds.
   * @default 10000
   */
  timeout?: number | undefined;
  /** The `fetch` to use; the global one by default (read at call time). */
  fetch?: FetchFunction | undefined;
  /** Timers for the per-attempt timeout. */
  timers?: Timers | undefined;
  /** Told of each request once it is over (for debug lines). */
  onResult?: ((result: RequestResult) => void) | undefined;
}

/** Reads a body as text, failing past `MAX_RESPONSE_BYTES`. */
function readText(response: ResponseLike): Promise<string> {
  const body = response.body;
  return body?.getReader ? readBoundedText(body) : response.text();
}

/**
 * Reads `stream` as UTF-8 text up to `MAX_RESPONSE_BYTES`; past it, cancels
 * the stream and throws `tooLong()` (by default a `RangeError` saying so).
 */
export async function readBoundedText(
  stream: ReadableStream<Uint8Array>,
  tooLong: () => unknown = () =>
    new RangeError(`the response body is over ${MAX_RESPONSE_BYTES} bytes, the most this client reads`),
): Promise<string> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    // A Blob joins the chunks and decodes them as UTF-8 (a character split across chunks included).
    if (done) return new Blob(chunks as BlobPart[]).text();
    bytes += value.byteLength;
    if (bytes > MAX_RESPONSE_BYTES) {
      void reader.cancel().catch(() => {});
      throw tooLong();
    }
    chunks.push(value);
  }
}

export interface RequestOptions {
  method?: "GET" | "POST";
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Serialised as JSON. */
  body?: unknown;
  /** Already-serialised JSON body (text, or UTF-8 bytes); takes precedence over `body`. */
  json?: string | Uint8Array;
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this call. */
  timeout?: number | undefined;
  /** Let the request outlive the page (`pagehide`). */
  keepalive?: boolean;
  /** Extra headers for this call. */
  headers?: Record<string, string> | undefined;
}

const CONTENT_TYPE = "application/json;charset=UTF-8";

export class HttpClient {
  readonly #options: HttpClientOptions;
  readonly #headers: Record<string, string>;
  readonly #baseUrl: string;

  constructor(options: HttpClientOptions) {
    this.#options = options;
    this.#baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.#headers = {
      "Content-Type": CONTENT_TYPE,
      "X-Schematic-Client-Version": options.clientVersion,
      ...options.headers,
    };
    if (options.apiKey) this.#headers["X-Schematic-Api-Key"] = options.apiKey;
  }

  /**
   * Sends one request; resolves with the parsed JSON body or rejects with a
   * `SchematicError` (or the caller's abort reason). Retrying is the caller's
   * choice: `requestWithRetries`, or a queue of its own.
   */
  async request<T = unknown>(options: RequestOptions): Promise<T> {
    const method = options.method ?? "POST";
    const url = this.#baseUrl + options.path;
    const timeout = options.timeout ?? this.#options.timeout ?? 10_000;
    const timers = this.#options.timers ?? defaultTimers;
    const { signal } = options;
    const started = monotonicNow();
    const controller = new AbortController();
    let timedOut = false;
    let status: number | undefined;
    let error: unknown;
    const onAbort = () => controller.abort(signal?.reason);
    const fail = (cause: unknown): never => {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new SchematicTimeoutError({ method, url, timeout });
      if (cause instanceof SchematicError) throw cause;
      throw new SchematicNetworkError({ method, url, cause });
    };
    // Set before the `try`: its `finally` clears them.
    const timer = timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);
    signal?.addEventListener("abort", onAbort, { once: true });

    try {
      if (signal?.aborted) throw signal.reason;
      const fetchFn = this.#options.fetch ?? ((input, init) => fetch(input, init));
      const init: RequestInit = {
        method,
        headers: options.headers ? { ...this.#headers, ...options.headers } : this.#headers,
        signal: controller.signal,
      };
      // (A Uint8Array is a BodyInit; TypeScript ≥ 5.7 only accepts one over an ArrayBuffer, which the public type does not spell out.)
      if (method !== "GET") init.body = (options.json ?? JSON.stringify(options.body ?? {})) as BodyInit;
      if (options.keepalive) init.keepalive = true;
      const response = await fetchFn(url, init).catch(fail);
      status = response.status;
      const body = parseBody(await readText(response).catch(fail));
      if (!response.ok) {
        const requestId = response.headers.get("x-request-id") ?? undefined;
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        throw new SchematicApiError({ status, body, method, url, requestId, retryAfter });
      }
      return body as T;
    } catch (thrown) {
      error = thrown;
      throw thrown;
    } finally {
      timers.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      this.#options.onResult?.({ method, url, status, ms: Math.round(monotonicNow() - started), error });
    }
  }
}

/** A response body as the API answered it: JSON when it parses, else the text; an empty body is undefined. */
export function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface RetryOptions {
  /** How many times to retry a retryable failure (network error, timeout, 408, 429, 5xx). */
  retries: number;
  retryPolicy?: Partial<RetryPolicy> | undefined;
  /** Called before each retry's wait; throwing ends the call with that error. */
  onRetry?: ((info: { attempt: number; delay: number; error: SchematicError }) => void) | undefined;
  /** Timers for the waits between attempts. */
  timers?: Timers | undefined;
}

/**
 * Sends a request through `client`, retrying per the shared policy: full
 * jitter backoff, or exactly the server's `Retry-After`; other 4xx fail at once.
 */
export async function requestWithRetries<T = unknown>(
  client: HttpClient,
  options: RequestOptions & RetryOptions,
): Promise<T> {
  const backoff = new Backoff(options.retryPolicy);
  for (let attempt = 0; ; attempt++) {
    try {
      return await client.request<T>(options);
    } catch (error) {
      const delay =
        attempt < options.retries && !options.signal?.aborted ? backoff.fail(error, attempt) : undefined;
      if (delay === undefined) throw error;
      options.onRetry?.({ attempt: attempt + 1, delay, error: error as SchematicError });
      await sleep(delay, { timers: options.timers, signal: options.signal });
    }
  }
}
