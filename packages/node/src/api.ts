/**
 * The request/response calls (upserts, flag checks) and their one ky
 * instance: ky's retry (POST allowed, `Retry-After` honoured, the shared
 * full-jitter delays), its per-attempt timeout and the user's `hooks`. ky
 * sends through the client's transport (`node:http` on Node) and its errors
 * become ours here, the one place they can appear.
 *
 * ky runs where it does something: with hooks, for every attempt (they see
 * its real `Request` and `Response`); without them, from the first attempt
 * that did not answer 2xx, which ky then takes as its own first attempt and
 * retries, waits out or maps exactly as if it had sent it. A call answered
 * 2xx at once, the usual case, never builds ky's `Request`, its clone and
 * their three `AbortSignal`s: on Node 20 that is about as much CPU as the
 * whole `node:http` request.
 *
 * ky is loaded when first needed, not with the package: it reads
 * `globalThis.Request` as it loads, which makes Node load its whole `fetch`
 * implementation, and an app that only buffers events never needs that.
 */
import {
  type FetchFunction,
  isRetryableStatus,
  isSchematicError,
  monotonicNow,
  parseBody,
  parseRetryAfter,
  type ResponseLike,
  retryDelay,
  SchematicTimeoutError,
} from "@schematic-sdk/core";
import type { Hooks, KyInstance, Options, RetryOptions } from "ky";
import { readBody, toResponse, toSchematicError } from "./kyBoundary";
import { foregroundTimers } from "./timers";
import { sendWithin } from "./transport";

/**
 * ky's hooks for the request/response calls (upserts and flag checks), e.g.
 * a tracing header or a metric. The event buffer's batches do not run them.
 * @example
 * ```ts
 * const hooks: SchematicHooks = {
 *   beforeRequest: [(request) => request.headers.set("traceparent", currentTraceparent())],
 *   afterResponse: [(request, _options, response) => metrics.observe(request.url, response.status)],
 * };
 * ```
 */
export interface SchematicHooks {
  /** Before each attempt; may return a new `Request`, or a `Response` to answer without sending. */
  beforeRequest?:
    | Array<(request: Request, options: HookOptions) => HookResult<Request | Response>>
    | undefined;
  /** After each response; may return a new `Response`. */
  afterResponse?:
    | Array<(request: Request, options: HookOptions, response: Response) => HookResult<Response>>
    | undefined;
  /** Before each retry, with the failure that caused it. */
  beforeRetry?:
    | Array<(state: { request: Request; options: HookOptions; error: Error; retryCount: number }) => unknown>
    | undefined;
  /** Before an HTTP error is turned into a `SchematicApiError`; may return a changed error. */
  beforeError?:
    | Array<(error: Error & { request: Request; response: Response }) => Error | Promise<Error>>
    | undefined;
}

/** The request's options as ky hands them to hooks; `context` is shared by the hooks of one call. */
export interface HookOptions {
  context: Record<string, unknown>;
  [option: string]: unknown;
}

type HookResult<T> = T | undefined | void | Promise<T | undefined | void>;

/**
 * ky's own hook types, used inside only: the public `SchematicHooks` is
 * structural, so the declarations users compile against never import ky
 * (an ESM-only package a CommonJS project cannot `require` types from).
 */
type KyHooks = Pick<Hooks, "beforeRequest" | "afterResponse" | "beforeRetry" | "beforeError">;

/** An upsert asked to wait longer than this by `Retry-After` throws the 429/503 instead of waiting. */
export const MAX_UPSERT_RETRY_AFTER = 30_000;

/** The longest timeout timers take (ky refuses more). */
const MAX_TIMEOUT = 2_147_483_647;

/** 408, 429 and every 5xx, as ky wants them: a list. */
const RETRY_STATUSES = Array.from({ length: 600 }, (_, status) => status).filter(isRetryableStatus);

/**
 * The option that carries a call's own state past ky's Request to the
 * transport (ky passes options it does not know to `fetch`, and to errors):
 * its body when no hook reads the Request, and the earliest time the server's
 * `Retry-After` allows the next attempt (ky's wait may end a millisecond
 * early, as Node's timers do).
 */
const CALL = "schematicCall";
interface CallState {
  /** The call's URL (no hook can change it: there are none). */
  url: string;
  /** The JSON, when it goes beside ky's Request (no hooks) rather than in it. */
  body: string | undefined;
  /** Without hooks the transport keeps each attempt's deadline (ky's timeout is off): its milliseconds. */
  timeout: number;
  /** The caller's signal (ky's own, combined with it, only ever fires for its timeout). */
  signal: AbortSignal | undefined;
  /** `monotonicNow()` before which no attempt is sent. */
  notBefore: number;
  /** What the first attempt, sent outside ky, came to: ky's first attempt answers it instead of sending. */
  first: Attempt | undefined;
}
/** One attempt's outcome: the transport's answer, or what it threw. */
type Attempt = { response: ResponseLike; error?: undefined } | { response?: undefined; error: unknown };
type CallOptions = { [CALL]?: CallState };

/** Waits, if need be, until `call.notBefore`. */
async function notBefore(call: CallState): Promise<void> {
  const wait = call.notBefore - monotonicNow();
  if (wait > 0) await new Promise<void>((resolve) => foregroundTimers.setTimeout(() => resolve(), wait));
}

function hasHooks(hooks: KyHooks): boolean {
  return Object.values(hooks).some((list) => Array.isArray(list) && list.length > 0);
}

export interface ApiCall {
  /** Path below the API's base URL, starting with `/`. */
  path: string;
  /** The JSON body. */
  body: string;
  signal?: AbortSignal | undefined;
  /** Milliseconds one attempt may take. */
  timeout: number;
  /** Retries after a network error, timeout, 408, 429 or 5xx. */
  retries: number;
}

export class ApiClient {
  readonly #baseUrl: string;
  readonly #send: FetchFunction;
  /** The headers of every call, names in lower case, as the transport takes them. */
  readonly #headers: Record<string, string>;
  readonly #defaults: Options;
  /** No hooks: the body rides beside ky's Request (see the constructor). */
  readonly #direct: boolean;
  readonly #retries = new Map<number, RetryOptions>();
  #ky: KyInstance | undefined;
  #loading: Promise<KyInstance> | undefined;

  constructor(params: {
    baseUrl: string;
    headers: Record<string, string>;
    send: FetchFunction;
    hooks: SchematicHooks | undefined;
    /** Set at `logLevel: "debug"`: a line per request and per retry. */
    debug?: ((...args: unknown[]) => void) | undefined;
  }) {
    this.#baseUrl = params.baseUrl.replace(/\/+$/, "");
    const { send } = params;
    const userHooks = params.hooks as KyHooks | undefined;
    const hooks = params.debug ? withDebugLines(userHooks ?? {}, params.debug) : userHooks;
    // Without hooks nothing reads the Request or the Response ky hands around: the first attempt goes
    // straight to the transport, and the ones ky sends after it carry the body and the headers beside
    // its Request (ky passes options it does not know to `fetch`) and get the transport's answer back
    // as it is: no body stream to copy for retries, read back and cancel, no Response to build. With
    // hooks, they see real ones on every attempt.
    this.#direct = hooks === undefined || !hasHooks(hooks);
    const readsAnswers = (hooks?.afterResponse?.length ?? 0) > 0;
    this.#send = send;
    this.#headers = Object.fromEntries(
      Object.entries(params.headers).map(([name, value]) => [name.toLowerCase(), value]),
    );
    this.#defaults = {
      method: "post",
      throwHttpErrors: true,
      ...(this.#direct ? {} : { headers: params.headers, hooks }),
      fetch: async (input, options) => {
        const request = input as Request;
        const call = (options as CallOptions | undefined)?.[CALL];
        if (call?.first) {
          const { response, error } = call.first;
          call.first = undefined;
          if (response) return response as unknown as Response;
          throw error;
        }
        if (call?.notBefore) await notBefore(call);
        if (call?.body !== undefined) {
          const answer = await this.#attempt(call);
          if (answer.response) return answer.response as unknown as Response;
          throw answer.error;
        }
        // The transport takes a URL and an init, and answers a ResponseLike; hooks read real ones.
        const headers: Record<string, string> = {};
        request.headers.forEach((value, name) => {
          headers[name] = value;
        });
        const init: RequestInit = { method: request.method, headers, signal: request.signal };
        const body = await readBody(request);
        if (body) init.body = body as BodyInit;
        const answer = await send(request.url, init);
        // A real Response only where a hook can read it: afterResponse hooks read every answer, and one
        // that is not 2xx reaches beforeRetry and beforeError hooks inside ky's HTTPError.
        return answer.ok && !readsAnswers ? (answer as unknown as Response) : toResponse(answer);
      },
    };
  }

  /** POSTs `call.body`; resolves with the parsed JSON answer, or rejects with a `SchematicError` (or the caller's abort reason). */
  async post(call: ApiCall): Promise<unknown> {
    const url = this.#baseUrl + call.path;
    const timeout = Math.min(call.timeout, MAX_TIMEOUT);
    try {
      const direct = this.#direct;
      const state: CallState = {
        url,
        body: direct ? call.body : undefined,
        timeout,
        signal: call.signal,
        notBefore: 0,
        first: undefined,
      };
      if (direct) {
        const first = await this.#attempt(state);
        if (first.response?.ok) return parseBody(await first.response.text());
        state.first = first;
      }
      const ky = this.#ky ?? (await this.#load());
      const options: Options & CallOptions = {
        // Hooks see ky's own timeout; without them the transport keeps the deadline, which spares ky's
        // timer and promise and the transport an abort signal to listen to.
        timeout: direct ? false : timeout,
        retry: this.#retry(call.retries),
        [CALL]: state,
      };
      if (!direct) options.body = call.body;
      if (call.signal) options.signal = call.signal;
      const response = await ky(url, options);
      return parseBody(await response.text());
    } catch (error) {
      if (call.signal?.aborted) throw call.signal.reason;
      throw await toSchematicError(error, url, timeout);
    }
  }

  /** One attempt of `call` straight on the transport, which keeps its deadline; a caller's abort ends the call. */
  async #attempt(call: CallState): Promise<Attempt> {
    const { signal } = call;
    const init: RequestInit = { method: "POST", headers: this.#headers, body: call.body ?? null };
    if (signal) init.signal = signal;
    try {
      return { response: await sendWithin(this.#send, call.url, init, call.timeout) };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      return { error };
    }
  }

  async #load(): Promise<KyInstance> {
    this.#loading ??= import("ky").then(({ default: ky }) => ky.create(this.#defaults));
    this.#ky = await this.#loading;
    return this.#ky;
  }

  /** ky's retry options for `limit` retries (built once per limit). */
  #retry(limit: number): RetryOptions {
    let retry = this.#retries.get(limit);
    if (!retry) {
      retry = {
        limit,
        methods: ["post"],
        statusCodes: RETRY_STATUSES,
        afterStatusCodes: RETRY_STATUSES,
        maxRetryAfter: MAX_UPSERT_RETRY_AFTER,
        retryOnTimeout: true,
        // ky counts attempts from 1; the shared policy counts retries from 0 and draws the jitter itself.
        delay: (attemptCount) => retryDelay({ attempt: attemptCount - 1 }),
        shouldRetry: ({ error }) => {
          // Our own failures (a body over the limit) come out the same way every time; a timeout may not.
          if (isSchematicError(error)) return error instanceof SchematicTimeoutError ? undefined : false;
          const response = (error as { response?: Response }).response;
          if (error.name === "HTTPError" && response) {
            // A request/response call fails fast rather than wait long for the server.
            const after = parseRetryAfter(response.headers.get("retry-after"));
            if (after !== undefined && after > MAX_UPSERT_RETRY_AFTER) return false;
            const state = (error as { options?: CallOptions }).options?.[CALL];
            if (after !== undefined && state) state.notBefore = monotonicNow() + after;
          }
          return undefined;
        },
      };
      this.#retries.set(limit, retry);
    }
    return retry;
  }
}

/** The user's hooks with ours around them: each attempt's method, path, status and time, and each retry's reason. */
function withDebugLines(hooks: KyHooks, debug: (...args: unknown[]) => void): KyHooks {
  const path = (url: string) => new URL(url).pathname;
  const started = (options: { context: Record<string, unknown> }) => options.context.started as number;
  return {
    ...hooks,
    beforeRequest: [
      (_request, options) => {
        options.context.started = performance.now();
      },
      ...(hooks.beforeRequest ?? []),
    ],
    afterResponse: [
      (request, options, response) => {
        const ms = Math.round(performance.now() - started(options));
        debug(`${request.method} ${path(request.url)} ${response.status} ${ms} ms`);
      },
      ...(hooks.afterResponse ?? []),
    ],
    beforeRetry: [
      ({ request, error, retryCount }) => {
        const status = (error as { response?: Response }).response?.status;
        const after = (error as { response?: Response }).response?.headers.get("retry-after");
        const reason = status
          ? `status ${status}`
          : error.name === "TimeoutError"
            ? "timeout"
            : error.message;
        debug(
          `retry ${retryCount} of ${request.method} ${path(request.url)} (${reason}${after ? `; Retry-After ${after} s` : ""})`,
        );
      },
      ...(hooks.beforeRetry ?? []),
    ],
  };
}
