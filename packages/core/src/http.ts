/**
 * The one HTTP client of the SDK, on the standard `fetch`: base URL, headers,
 * a per-attempt timeout, caller `AbortSignal`s, the shared retry policy, and
 * every failure mapped to a `SchematicError`. Nothing platform-specific: it
 * runs wherever `fetch` exists.
 */
import {
  isSchematicApiError,
  SchematicApiError,
  SchematicError,
  SchematicNetworkError,
  SchematicTimeoutError,
} from "./errors";
import { DEFAULT_RETRY_POLICY, isRetryable, parseRetryAfter, type RetryPolicy, retryDelay } from "./retry";
import { defaultTimers, sleep, type Timers } from "./timers";

export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

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
  timers?: Timers | undefined;
  retryPolicy?: Partial<RetryPolicy> | undefined;
  /** Called before each retry, e.g. for logging. */
  onRetry?: ((info: { attempt: number; delay: number; error: SchematicError }) => void) | undefined;
}

export interface RequestOptions {
  method?: "GET" | "POST";
  /** Path below the base URL, starting with `/`. */
  path: string;
  /** Serialised as JSON. */
  body?: unknown;
  /** Already-serialised JSON body; takes precedence over `body`. */
  json?: string;
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this call. */
  timeout?: number | undefined;
  /**
   * How many times to retry a retryable failure.
   * @default 0
   */
  retries?: number | undefined;
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

  /** Sends a request, retrying per the shared policy; resolves with the parsed JSON body. */
  async request<T = unknown>(options: RequestOptions): Promise<T> {
    const retries = options.retries ?? 0;
    const timers = this.#options.timers ?? defaultTimers;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.#attempt(options)) as T;
      } catch (error) {
        if (attempt >= retries || !isRetryable(error) || options.signal?.aborted) throw error;
        const delay = retryDelay({
          attempt,
          retryAfter: isSchematicApiError(error) ? error.retryAfter : undefined,
          policy: { ...DEFAULT_RETRY_POLICY, ...this.#options.retryPolicy },
        });
        this.#options.onRetry?.({ attempt: attempt + 1, delay, error: error as SchematicError });
        await sleep(delay, { timers, signal: options.signal });
      }
    }
  }

  async #attempt(options: RequestOptions): Promise<unknown> {
    const method = options.method ?? "POST";
    const url = this.#baseUrl + options.path;
    const timeout = options.timeout ?? this.#options.timeout ?? 10_000;
    const timers = this.#options.timers ?? defaultTimers;
    const { signal } = options;
    if (signal?.aborted) throw signal.reason;

    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer = timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeout);

    const fail = (cause: unknown): never => {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) throw new SchematicTimeoutError({ method, url, timeout });
      if (cause instanceof SchematicError) throw cause;
      throw new SchematicNetworkError({ method, url, cause });
    };

    try {
      const fetchFn = this.#options.fetch ?? ((input, init) => fetch(input, init));
      const init: RequestInit = {
        method,
        headers: options.headers ? { ...this.#headers, ...options.headers } : this.#headers,
        signal: controller.signal,
      };
      if (method !== "GET") init.body = options.json ?? JSON.stringify(options.body ?? {});
      if (options.keepalive) init.keepalive = true;
      const response = await fetchFn(url, init).catch(fail);
      const text = await response.text().catch(fail);
      const body = parseBody(text);
      if (!response.ok) {
        const requestId = response.headers.get("x-request-id") ?? undefined;
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
        throw new SchematicApiError({ status: response.status, body, method, url, requestId, retryAfter });
      }
      return body;
    } finally {
      timers.clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

function parseBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
