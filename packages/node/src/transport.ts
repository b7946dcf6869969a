/**
 * How the client sends a request, under both of its senders (the event
 * buffer's `HttpClient` and the request/response calls' ky instance).
 *
 * On Node, without a `fetch` option, it uses `node:http`/`node:https` (their
 * global keep-alive agents, so a proxy agent set up for the process applies
 * too): Node's `fetch` leaves far more garbage per request, and 1,000 batch
 * requests grow a process by ~60 MB with it against ~8 MB this way. The
 * modules are reached through `process.getBuiltinModule` at the first
 * request, so nothing is imported and bundles for other runtimes are untouched.
 *
 * Everywhere else (Bun, Deno, workers, Node before 20.16), and on Node as soon
 * as `globalThis.fetch` is not the one there was when this module loaded (a
 * test's mock, msw), it calls `globalThis.fetch`, read at call time.
 *
 * Whatever sends, a response body is read up to `MAX_RESPONSE_BYTES` only: a
 * body that never ends (a misbehaving proxy) fails the request with a
 * `SchematicNetworkError` naming the limit instead of growing a string until
 * the process dies.
 */
import {
  type FetchFunction,
  MAX_RESPONSE_BYTES,
  type ResponseLike,
  readBoundedText,
  SchematicNetworkError,
  SchematicTimeoutError,
} from "@schematic-sdk/core";

/** The longest response body read: Schematic's answers are a few KiB. */
export { MAX_RESPONSE_BYTES };

/** The part of `node:http`/`node:https` used here. */
interface NodeHttpModule {
  request(
    url: string,
    options: { method?: string; headers?: Record<string, string>; signal?: AbortSignal },
    onResponse: (response: NodeResponse) => void,
  ): NodeRequest;
}
interface NodeRequest {
  on(event: "error", listener: (error: Error) => void): unknown;
  end(body?: string | Uint8Array): unknown;
  destroy(): unknown;
}
interface NodeResponse {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  complete: boolean;
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
}

interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
  release?: { name?: string };
  versions?: Record<string, string | undefined>;
}

const proc = (globalThis as { process?: NodeProcess }).process;
/** `Node.js/22` on Node 21+, none on Node 20; other runtimes name themselves (`Bun/…`, `Deno/…`, `Cloudflare-Workers`). */
const userAgent = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent;
/** Node itself, not a runtime that imitates it. */
const onNode =
  typeof proc?.getBuiltinModule === "function" &&
  proc.release?.name === "node" &&
  proc.versions?.bun === undefined &&
  !("Deno" in globalThis) &&
  (userAgent === undefined || userAgent.startsWith("Node.js"));
const fetchAtLoad = globalThis.fetch;

/** The default transport: see the module comment. */
export const defaultFetch: FetchFunction = (url, init) =>
  onNode && globalThis.fetch === fetchAtLoad
    ? nodeRequest(url, init)
    : boundedFetch(globalThis.fetch)(url, init);

/** `send` with every response body read up to the limit (the default transport is already bounded). */
export function boundedTransport(send: FetchFunction | undefined): FetchFunction {
  return send === undefined ? defaultFetch : boundedFetch(send);
}

function tooLong(method: string, url: string): SchematicNetworkError {
  return new SchematicNetworkError({
    method,
    url,
    cause: new Error(
      `the response body passed ${MAX_RESPONSE_BYTES} bytes (4 MiB), the most the client reads; is a proxy in the way?`,
    ),
  });
}

/** Wraps a `fetch` so that each response's `text()` reads at most `MAX_RESPONSE_BYTES`. */
function boundedFetch(send: FetchFunction): FetchFunction {
  return async (url, init) => {
    const response = await send(url, init);
    const stream = (response as { body?: ReadableStream<Uint8Array> | null }).body;
    if (!stream || typeof stream.getReader !== "function") return response;
    const method = init.method ?? "GET";
    return {
      ok: response.ok,
      status: response.status,
      headers: response.headers,
      text: () => readBoundedText(stream, () => tooLong(method, url)),
    };
  };
}

/** Decodes whole bodies only (never streaming), so one serves every response. */
const decoder = new TextDecoder();

/**
 * `send(url, init)`, failed with a `SchematicTimeoutError` after `timeout` ms. Through the `node:http`
 * transport the request itself keeps the deadline (one timer, no signal to listen to); through any
 * other `fetch` an abort signal does.
 */
export function sendWithin(
  send: FetchFunction,
  url: string,
  init: RequestInit,
  timeout: number,
): Promise<ResponseLike> {
  const method = init.method ?? "GET";
  const expired = () => new SchematicTimeoutError({ method, url, timeout });
  if (send === defaultFetch && onNode && globalThis.fetch === fetchAtLoad) {
    return nodeRequest(url, init, { ms: timeout, error: expired });
  }
  const controller = new AbortController();
  const signal = init.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(expired());
      controller.abort();
    }, timeout);
    send(url, { ...init, signal })
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

function nodeRequest(
  url: string,
  init: RequestInit,
  deadline?: { ms: number; error: () => Error },
): Promise<ResponseLike> {
  const http = proc!.getBuiltinModule!(
    url.startsWith("https:") ? "node:https" : "node:http",
  ) as NodeHttpModule;
  // `end(body)` sets Content-Length itself, and writes a string body with the head in one write.
  const headers = init.headers as Record<string, string> | undefined;
  const body = init.body as string | Uint8Array | null | undefined;
  const method = init.method ?? "GET";
  return new Promise((settle, fail) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const resolve = (response: ResponseLike) => {
      clearTimeout(timer);
      settle(response);
    };
    const reject = (error: unknown) => {
      clearTimeout(timer);
      fail(error);
    };
    const options = {
      method,
      ...(headers ? { headers } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
    };
    const request = http.request(url, options, (response) => {
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      response.on("data", (chunk) => {
        bytes += chunk.byteLength;
        if (bytes > MAX_RESPONSE_BYTES) {
          reject(tooLong(method, url));
          request.destroy();
          return;
        }
        chunks.push(chunk);
      });
      response.on("error", reject);
      response.on("close", () => {
        if (!response.complete)
          reject(new Error(`the connection closed before the response to ${url} ended`));
      });
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        const text = decoder.decode(chunks.length === 1 ? chunks[0] : concat(chunks, bytes));
        resolve({
          ok: status >= 200 && status < 300,
          status,
          headers: new NodeHeaders(response.headers),
          text: () => Promise.resolve(text),
        });
      });
    });
    request.on("error", reject);
    if (deadline) {
      timer = setTimeout(() => {
        fail(deadline.error());
        request.destroy();
      }, deadline.ms);
    }
    request.end(body ?? undefined);
  });
}

/** `chunks` (`bytes` long in all) in one array. */
export function concat(chunks: Uint8Array[], bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** A `node:http` response's headers, read the way `Headers` reads them (names in lower case). */
export class NodeHeaders {
  readonly #raw: Record<string, string | string[] | undefined>;
  constructor(raw: Record<string, string | string[] | undefined>) {
    this.#raw = raw;
  }
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(", ") : value;
  }
  /** Every header as `[name, value]`, `Set-Cookie` once per value. */
  pairs(): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, value] of Object.entries(this.#raw)) {
      if (Array.isArray(value)) for (const v of value) out.push([name, v]);
      else if (value !== undefined) out.push([name, value]);
    }
    return out;
  }
}
