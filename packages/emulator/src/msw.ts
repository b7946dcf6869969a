/**
 * `@schematic-sdk/emulator/msw`: msw request handlers that answer with an
 * emulator, for users' own tests: `setupServer(...createHandlers(emulator))`
 * and the SDK talks to the emulator with no network and no port. msw (2 or
 * 3) is a peer dependency: this subpath is the only part that imports it.
 */
import { type HttpHandler, http } from "msw";
import { createEmulator as createBareEmulator, type Emulator } from "./emulator";
import { checkOptionNames } from "./optionNames";
import { EMULATOR_OPTION_NAMES, type EmulatorOptions, emulatorDefaults } from "./options";

const PROTOCOL_PATHS = ["/companies", "/users", "/e", "/batch", "/flags/check", "/flags/:key/check"];

/** Where the handlers answer. */
export interface HandlerOptions {
  /** The SDK's `apiUrl`. @default "https://api.schematichq.com" */
  apiUrl?: string;
  /** The SDK's `eventUrl`. @default "https://c.schematichq.com" */
  eventUrl?: string;
  /**
   * Also answer the protocol's paths (`/companies`, `/e`, …) on any origin.
   * Off by default: it would catch your own app's `/users`.
   * @default false
   */
  anyOrigin?: boolean;
}

const HANDLER_OPTION_NAMES = ["apiUrl", "eventUrl", "anyOrigin"] as const;

/** Sends an intercepted request to the emulator with its path replaced (a base URL with a path of its own). */
async function forward(emulator: Emulator, request: Request, path: string): Promise<Response> {
  const url = new URL(request.url);
  url.pathname = path;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return emulator.fetch(url, {
    method: request.method,
    headers: request.headers,
    ...(hasBody && { body: await request.arrayBuffer() }),
  });
}

/**
 * msw handlers answering for `apiUrl` and `eventUrl` with `emulator`.
 *
 * @example
 * ```ts
 * import { setupServer } from "msw/node";
 * import { createEmulator } from "@schematic-sdk/emulator";
 * import { createHandlers } from "@schematic-sdk/emulator/msw";
 *
 * const emulator = createEmulator();
 * const server = setupServer(...createHandlers(emulator));
 * server.listen({ onUnhandledRequest: "error" });
 * ```
 */
export function createHandlers(emulator: Emulator, options: HandlerOptions = {}): HttpHandler[] {
  checkOptionNames(options, HANDLER_OPTION_NAMES, "createHandlers");
  const { apiUrl, eventUrl, anyOrigin } = { ...emulatorDefaults, ...options };
  const handlers: HttpHandler[] = [];
  for (const base of new Set([apiUrl, eventUrl].map((url) => url.replace(/\/+$/, "")))) {
    const prefix = new URL(base).pathname.replace(/\/+$/, "");
    handlers.push(
      http.all(`${base}/*`, ({ request }) =>
        forward(emulator, request, new URL(request.url).pathname.slice(prefix.length) || "/"),
      ),
    );
  }
  if (anyOrigin) {
    for (const path of PROTOCOL_PATHS) {
      handlers.push(
        http.all(`*${path}`, ({ request }) => {
          const pathname = new URL(request.url).pathname;
          return forward(
            emulator,
            request,
            path.includes(":key") ? pathname.slice(pathname.lastIndexOf("/flags/")) : path,
          );
        }),
      );
    }
  }
  return handlers;
}

/** An emulator with its msw handlers. */
export interface EmulatorWithHandlers extends Emulator {
  /** msw handlers answering for `apiUrl` and `eventUrl` (and any origin with `anyOrigin`). */
  readonly handlers: HttpHandler[];
}

/**
 * `createEmulator` plus `handlers`: `{ fetch, handlers, store, reset, setFaults }`.
 * Takes `createEmulator`'s options and `apiUrl`, `eventUrl`, `anyOrigin`.
 *
 * @example
 * ```ts
 * import { setupServer } from "msw/node";
 * import { createEmulator } from "@schematic-sdk/emulator/msw";
 *
 * const emulator = createEmulator({ flags: { flags: { "new-dashboard": true } } });
 * setupServer(...emulator.handlers).listen({ onUnhandledRequest: "error" });
 * ```
 */
export function createEmulator(options: EmulatorOptions & HandlerOptions = {}): EmulatorWithHandlers {
  checkOptionNames(options, [...EMULATOR_OPTION_NAMES, ...HANDLER_OPTION_NAMES], "createEmulator");
  const { apiUrl, eventUrl, anyOrigin, ...rest } = options;
  const emulator = createBareEmulator(rest);
  const handlerOptions: HandlerOptions = {
    ...(apiUrl !== undefined && { apiUrl }),
    ...(eventUrl !== undefined && { eventUrl }),
    ...(anyOrigin !== undefined && { anyOrigin }),
  };
  return Object.assign(emulator, { handlers: createHandlers(emulator, handlerOptions) });
}
