/**
 * The emulator without msw: the whole protocol as a `fetch` function over the
 * store. The CLI and `startEmulator`'s server stand on this alone, so
 * starting them never loads msw. No sockets and no `node:` imports.
 */
import { type FaultOptions, Faults } from "./faults";
import { createFetch } from "./fetchAdapter";
import { createRequestHandler, type RequestHandler } from "./handler";
import { type EmulatorOptions, emulatorDefaults } from "./options";
import { EmulatorStore } from "./store";

/** An in-memory emulator; `createEmulator` adds msw handlers to it. */
export interface EmulatorCore {
  /** Answers a request like the Schematic API would; a drop-in `fetch` for the SDK's `fetch` option. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** The state: read it, seed it. */
  readonly store: EmulatorStore;
  /** Forgets all companies, users, events, counts and the request log; flags and faults stay. */
  reset(): void;
  /** Changes fault injection while running; unspecified settings stay. */
  setFaults(options: FaultOptions): void;
}

/** A `fetch` whose third argument overrides the URL's path (msw base URLs with a path). */
export type PathFetch = (request: Request, init: undefined, path?: string) => Promise<Response>;

const internals = new WeakMap<EmulatorCore, { handle: RequestHandler; fetch: PathFetch }>();

/** The transport-neutral handler of an emulator (for the Node server; not public). */
export function handlerOf(emulator: EmulatorCore): RequestHandler {
  const found = internals.get(emulator);
  if (!found) throw new TypeError("Not an emulator made by createEmulator()");
  return found.handle;
}

/** The path-taking `fetch` of an emulator (for msw handlers; not public). */
export function pathFetchOf(emulator: EmulatorCore): PathFetch {
  return internals.get(emulator)!.fetch;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createEmulatorCore(options: EmulatorOptions = {}): EmulatorCore {
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
  const emulator: EmulatorCore = {
    fetch: (input, init) => fetch(input, init),
    store,
    reset: () => store.reset(),
    setFaults: (next) => faults.set(next),
  };
  internals.set(emulator, { handle, fetch });
  return emulator;
}
