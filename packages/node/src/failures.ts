/**
 * How a failed request is told in the log: the error's own message, the
 * server's request id when it gave one, and for a host that cannot be
 * reached a hint at the usual causes.
 */
import { isSchematicApiError, isSchematicNetworkError } from "@schematic-sdk/core";

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ECONNRESET|fetch failed/;

/** One line about `error`; `option` names the URL option that chose the host (`apiUrl`, `eventUrl`). */
export function describeFailure(error: unknown, option: "apiUrl" | "eventUrl"): string {
  const message = error instanceof Error ? error.message : String(error);
  if (isSchematicApiError(error) && error.requestId) return `${message} (request id ${error.requestId})`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (
    isSchematicNetworkError(error) &&
    UNREACHABLE.test(`${cause?.code ?? ""} ${cause?.message ?? ""} ${message}`)
  ) {
    return `${message} — the host cannot be reached: is the emulator running, is ${option} right?`;
  }
  return message;
}
