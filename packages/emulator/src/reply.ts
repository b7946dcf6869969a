/**
 * The transport-neutral request and answer the handler works on. The `fetch`
 * entry point and the Node server each convert to and from these, so the Node
 * server never pays for building `Request`/`Response` objects.
 */

/** An incoming request, body already read. */
export interface EmulatorRequest {
  method: string;
  /** The path without the query string, e.g. `/flags/my-flag/check`. */
  path: string;
  query: URLSearchParams;
  header(name: string): string | null;
  /** The body as text; undefined when there is none. */
  body: string | undefined;
  /** Set when the body passed the size limit (and `body` was not kept). */
  bodyTooLarge?: boolean;
}

/** An answer. */
export interface EmulatorReply {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Set when the answer is an injected fault (for the CLI's request lines). */
  fault?: "fail" | "rate-limit";
}

export function jsonReply(status: number, payload: unknown, headers?: Record<string, string>): EmulatorReply {
  return {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
    body: JSON.stringify(payload),
  };
}

/** `{data, params}`: every successful JSON answer. */
export const envelope = (data: unknown, params: Record<string, unknown> = {}): EmulatorReply =>
  jsonReply(200, { data, params });

export const errorReply = (
  status: number,
  message: string,
  headers?: Record<string, string>,
): EmulatorReply => jsonReply(status, { error: message }, headers);
