/**
 * msw request handlers that answer with the emulator, for users' own tests:
 * `setupServer(...emulator.handlers)` and the SDK talks to the emulator with
 * no network and no port.
 */
import { type HttpHandler, http } from "msw";
import type { PathFetch } from "./emulatorCore";

const PROTOCOL_PATHS = ["/companies", "/users", "/e", "/batch", "/flags/check", "/flags/:key/check"];

export interface MswHandlerOptions {
  baseUrls: string[];
  anyOrigin: boolean;
}

export function createMswHandlers(
  fetch: PathFetch,
  { baseUrls, anyOrigin }: MswHandlerOptions,
): HttpHandler[] {
  const handlers: HttpHandler[] = [];
  for (const base of new Set(baseUrls.map((url) => url.replace(/\/+$/, "")))) {
    const prefix = new URL(base).pathname.replace(/\/+$/, "");
    handlers.push(
      http.all(`${base}/*`, ({ request }) => {
        const path = new URL(request.url).pathname.slice(prefix.length) || "/";
        return fetch(request, undefined, path);
      }),
    );
  }
  if (anyOrigin) {
    for (const path of PROTOCOL_PATHS) {
      handlers.push(
        http.all(`*${path}`, ({ request }) => {
          const pathname = new URL(request.url).pathname;
          const suffix = path.includes(":key") ? pathname.slice(pathname.lastIndexOf("/flags/")) : path;
          return fetch(request, undefined, suffix);
        }),
      );
    }
  }
  return handlers;
}
