/**
 * `createEmulator`: the whole protocol as a `fetch` function, msw handlers
 * over it, and the store behind it. No sockets and no `node:` imports, so it
 * runs in a worker as well as in Node.
 */
import type { HttpHandler } from "msw";
import { type FaultOptions, Faults } from "./faults";
import { createFetch } from "./fetchAdapter";
import { createRequestHandler, type RequestHandler } from "./handler";
import { createMswHandlers } from "./msw";
import { type EmulatorOptions, emulatorDefaults } from "./options";
import { EmulatorStore } from "./store";

/** A running in-memory emulator. */
export interface Emulator {
  /** Answers a request like the Schematic API would; a drop-in `fetch` for the SDK's `fetch` option. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** msw handlers answering for `apiUrl` and `eventUrl` (and any origin with `anyOrigin`). */
  readonly handlers: HttpHandler[];
  /** The state: read it, seed it. */
  readonly store: EmulatorStore;
  /** Forgets all companies, users, events, counts and the request log; flags and faults stay. */
  reset(): void;
  /** Changes fault injection while running; unspecified settings stay. */
  setFaults(options: FaultOptions): void;
}

const handlers = new WeakMap<Emulator, { handle: RequestHandler }>();

/** The transport-neutral handler of an emulator (for the Node server; not public). */
export function handlerOf(emulator: Emulator): RequestHandler {
  const found = handlers.get(emulator);
  if (!found) throw new TypeError("Not an emulator made by createEmulator()");
  return found.handle;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
  const store = new EmulatorStore({
    environmentId: o.environmentId,
    requestLogLimit: o.requestLogLimit,
    maxEvents: o.maxEvents,
    ...(o.now && { now: o.now }),
  });
  if (o.flags) store.setFlags(o.flags);
  if (o.seed) store.seed(o.seed);
  const faults = new Faults(o);
  const handle = createRequestHandler({ store, faults, maxBodyBytes: o.maxBodyBytes, sleep });
  const fetch = createFetch(handle, o.maxBodyBytes);
  const emulator: Emulator = {
    fetch: (input, init) => fetch(input, init),
    handlers: createMswHandlers(fetch, { baseUrls: [o.apiUrl, o.eventUrl], anyOrigin: o.anyOrigin }),
    store,
    reset: () => store.reset(),
    setFaults: (next) => faults.set(next),
  };
  handlers.set(emulator, { handle });
  return emulator;
}
