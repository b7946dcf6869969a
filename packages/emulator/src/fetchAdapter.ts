/**
 * The Fetch API face of the handler: `Request` in, `Response` out. Uses only
 * web-standard globals, so it runs in Node, workers, Deno, Bun and behind msw.
 */
import type { RequestHandler } from "./handler";
import type { EmulatorReply, EmulatorRequest } from "./reply";

/** Reads a body as text, stopping (and flagging it) once it passes `limit` bytes. */
async function readBody(
  request: Request,
  limit: number,
): Promise<Pick<EmulatorRequest, "body" | "bodyTooLarge">> {
  if (request.body === null) return { body: undefined };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return { body: undefined, bodyTooLarge: true };
    }
    chunks.push(value);
  }
  if (size === 0) return { body: undefined };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { body: new TextDecoder().decode(bytes) };
}

export function toResponse(reply: EmulatorReply): Response {
  const empty = reply.status === 204 || reply.status === 304;
  return new Response(empty ? null : reply.body, { status: reply.status, headers: reply.headers });
}

/** A `fetch`-compatible function over the handler; `path` overrides the URL's path (msw base URLs with a path). */
export function createFetch(handle: RequestHandler, maxBodyBytes: number) {
  return async (input: Request | string | URL, init?: RequestInit, path?: string): Promise<Response> => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = await readBody(request, maxBodyBytes);
    const reply = await handle({
      method: request.method,
      path: path ?? url.pathname,
      query: url.searchParams,
      header: (name) => request.headers.get(name),
      ...body,
    });
    return toResponse(reply);
  };
}
