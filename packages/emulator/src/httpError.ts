/**
 * An answer other than 2xx, thrown anywhere on the request path and turned
 * into `{"error": message}` with its status by the handler. Throwing keeps
 * validation code linear: the first problem found ends the request before
 * anything is stored.
 */
export class HttpError extends Error {
  override readonly name = "HttpError";
  readonly status: number;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, message: string, headers?: Record<string, string>) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** 400 with a message naming the offending field. */
export const badRequest = (message: string): HttpError => new HttpError(400, message);
