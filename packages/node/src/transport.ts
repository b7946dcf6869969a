/**
 * How the client sends a request when no `fetch` option is given.
 *
 * On Node it uses `node:http`/`node:https` (their global keep-alive agents,
 * so a proxy agent set up for the process applies too): Node's `fetch` leaves
 * far more garbage per request, and 1,000 batch requests grow a process by
 * ~60 MB with it against ~8 MB this way. The modules are reached through
 * `process.getBuiltinModule` at the first request, so nothing is imported and
 * bundles for other runtimes are untouched.
 *
 * Everywhere else (Bun, Deno, workers, Node before 20.16), and on Node as soon
 * as `globalThis.fetch` is not the one there was when this module loaded (a
 * test's mock, msw), it calls `globalThis.fetch`, read at call time.
 */
import type { FetchFunction, ResponseLike } from "@schematic-sdk/core";

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
}
interface NodeResponse {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  complete: boolean;
  setEncoding(encoding: "utf8"): unknown;
  on(event: "data", listener: (chunk: string) => void): unknown;
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
  onNode && globalThis.fetch === fetchAtLoad ? nodeRequest(url, init) : globalThis.fetch(url, init);

const encoder = new TextEncoder();

function nodeRequest(url: string, init: RequestInit): Promise<ResponseLike> {
  const http = proc!.getBuiltinModule!(
    url.startsWith("https:") ? "node:https" : "node:http",
  ) as NodeHttpModule;
  const headers = { ...(init.headers as Record<string, string> | undefined) };
  let body = init.body as string | Uint8Array | null | undefined;
  if (typeof body === "string") body = encoder.encode(body);
  if (body) headers["Content-Length"] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    const options = {
      method: init.method ?? "GET",
      headers,
      ...(init.signal ? { signal: init.signal } : {}),
    };
    const request = http.request(url, options, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("error", reject);
      response.on("close", () => {
        if (!response.complete)
          reject(new Error(`the connection closed before the response to ${url} ended`));
      });
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        resolve({
          ok: status >= 200 && status < 300,
          status,
          headers: { get: (name) => header(response.headers[name.toLowerCase()]) },
          text: () => Promise.resolve(text),
        });
      });
    });
    request.on("error", reject);
    request.end(body ?? undefined);
  });
}

function header(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}
