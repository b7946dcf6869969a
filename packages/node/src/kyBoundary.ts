/**
 * ky's boundary, both ways: what the transport answered, as the real
 * `Response` that ky and the user's hooks read, and what ky threw, as this
 * SDK's errors (ky's own never reach a caller).
 */
import {
  isSchematicError,
  parseBody,
  parseRetryAfter,
  type ResponseLike,
  SchematicApiError,
  SchematicNetworkError,
  SchematicTimeoutError,
} from "@schematic-sdk/core";
import { concat, NodeHeaders } from "./transport";

/** A real `Response` (ky and the user's hooks read one) from what the transport answered. */
export function toResponse(answer: ResponseLike): Promise<Response> | Response {
  if (answer instanceof Response) return answer;
  return answer.text().then((text) => {
    const { status, headers } = answer;
    const init: ResponseInit = { status, headers: headerPairs(headers) };
    // Response refuses a body on these statuses, and any status outside 200-599.
    const empty = status === 204 || status === 205 || status === 304;
    if (status < 200 || status > 599) return new Response(text, { ...init, status: 502 });
    return new Response(empty ? null : text, init);
  });
}

/**
 * The body of ky's `Request`, read with a reader that is then released: ky
 * cancels the body when the call ends, and a released, finished stream lets
 * it do so quietly, where one still locked by `arrayBuffer()` rejects with an
 * error (a stack trace per call) that ky then drops.
 */
export async function readBody(request: Request): Promise<Uint8Array | undefined> {
  if (!request.body) return undefined;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      chunks.push(read.value);
      bytes += read.value.byteLength;
    }
  } finally {
    reader.releaseLock();
  }
  return chunks.length === 1 ? chunks[0] : concat(chunks, bytes);
}

/** Every header of a transport's answer (a `ResponseLike` that only has `get` gives the ones the client reads). */
function headerPairs(headers: ResponseLike["headers"]): [string, string][] {
  if (headers instanceof NodeHeaders) return headers.pairs();
  const out: [string, string][] = [];
  if (typeof (headers as Headers).forEach === "function") {
    (headers as Headers).forEach((value, name) => {
      out.push([name, value]);
    });
    return out;
  }
  for (const name of ["content-type", "retry-after", "x-request-id"]) {
    const value = headers.get(name);
    if (value !== null) out.push([name, value]);
  }
  return out;
}

/** Maps what ky threw to ours: ky's own errors never reach a user. */
export async function toSchematicError(error: unknown, url: string, timeout: number): Promise<Error> {
  if (isSchematicError(error)) return error;
  const name = (error as Error | undefined)?.name;
  if (name === "HTTPError") {
    const response = (error as { response: Response }).response;
    let body: unknown;
    try {
      body = parseBody(await response.text());
    } catch {
      // A hook read the body already.
    }
    return new SchematicApiError({
      status: response.status,
      body,
      method: "POST",
      url,
      requestId: response.headers.get("x-request-id") ?? undefined,
      retryAfter: parseRetryAfter(response.headers.get("retry-after")),
    });
  }
  if (name === "TimeoutError") return new SchematicTimeoutError({ method: "POST", url, timeout });
  return new SchematicNetworkError({ method: "POST", url, cause: error });
}
