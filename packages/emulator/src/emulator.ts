/**
 * `createEmulator`: the whole protocol as a `fetch` function, msw handlers
 * over it, and the store behind it. No sockets and no `node:` imports, so it
 * runs in a worker as well as in Node.
 */
import type { HttpHandler } from "msw";
import { createEmulatorCore, type EmulatorCore, pathFetchOf } from "./emulatorCore";
import { createMswHandlers } from "./msw";
import { type EmulatorOptions, emulatorDefaults } from "./options";

/** A running in-memory emulator. */
export interface Emulator extends EmulatorCore {
  /** msw handlers answering for `apiUrl` and `eventUrl` (and any origin with `anyOrigin`). */
  readonly handlers: HttpHandler[];
}

/**
 * Creates an emulator of the Schematic API: `{ fetch, handlers, store, reset }`.
 *
 * @example
 * ```ts
 * import { setupServer } from "msw/node";
 * import { createEmulator } from "@schematic-sdk/emulator";
 *
 * const emulator = createEmulator({ flags: { flags: { "new-dashboard": true } } });
 * const server = setupServer(...emulator.handlers);
 * server.listen({ onUnhandledRequest: "error" });
 * // … run code that calls https://api.schematichq.com …
 * emulator.store.findCompany({ id: "demo-company" });
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const o = { ...emulatorDefaults, ...options };
  const core = createEmulatorCore(options);
  // The same object, so the server and `handlerOf` know it.
  return Object.assign(core, {
    handlers: createMswHandlers(pathFetchOf(core), {
      baseUrls: [o.apiUrl, o.eventUrl],
      anyOrigin: o.anyOrigin,
    }),
  });
}
