/**
 * `createEmulator`: the whole protocol as a `fetch` function over the store.
 * Web standards only (no sockets, no `node:` imports, no msw), so it runs in
 * a worker or a browser as well as in Node. msw handlers are on the
 * `@schematic-sdk/emulator/msw` subpath, the HTTP server on `…/node`.
 */
import { type FaultOptions, Faults } from "./faults";
import { createFetch } from "./fetchAdapter";
import { createRequestHandler, type RequestHandler } from "./handler";
import { checkOptionNames } from "./optionNames";
import { EMULATOR_OPTION_NAMES, type EmulatorOptions, emulatorDefaults } from "./options";
import { EmulatorStore } from "./store";

/** An in-memory emulator of the Schematic API. */
export interface Emulator {
  /** Answers a request like the Schematic API would; a drop-in `fetch` for the SDK's `fetch` option. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** The state: read it, seed it, change plans and overrides. */
  readonly store: EmulatorStore;
  /** Forgets companies, users, events, usage, run-time plans and overrides, counts and the request log; flags, the catalog and faults stay. */
  reset(): void;
  /** Changes fault injection while running; unspecified settings stay. */
  setFaults(options: FaultOptions): void;
}

interface Internals {
  handle: RequestHandler;
  faults: Faults;
  /** The inspector page's token (its stream needs it too). */
  inspectorToken: string;
}

const internals = new WeakMap<Emulator, Internals>();

/** The transport-neutral handler, faults and inspector token of an emulator (for the Node server; not public). */
export function internalsOf(emulator: Emulator): Internals {
  const found = internals.get(emulator);
  if (!found) throw new TypeError("Not an emulator made by createEmulator()");
  return found;
}

const mswOption = `is an option of the msw handlers: import { createEmulator } from "@schematic-sdk/emulator/msw" (the fetch answers any URL without it)`;
const HANDLER_OPTIONS_ELSEWHERE = { apiUrl: mswOption, eventUrl: mswOption, anyOrigin: mswOption };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Creates an emulator of the Schematic API: `{ fetch, store, reset, setFaults }`.
 * Unknown option names throw `SchematicConfigError` ("did you mean …?"); a bad
 * catalog throws `CatalogError` naming the field.
 *
 * @example
 * ```ts
 * import { createEmulator } from "@schematic-sdk/emulator";
 * import { SchematicClient } from "@schematic-sdk/node";
 *
 * const emulator = createEmulator({ catalog });
 * const schematic = new SchematicClient({ apiKey: "sch_dev_test", fetch: emulator.fetch });
 * await schematic.checkEntitlement("queries", { company: { id: "acme" } });
 * ```
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  checkOptionNames(options, EMULATOR_OPTION_NAMES, "createEmulator", HANDLER_OPTIONS_ELSEWHERE);
  const o = { ...emulatorDefaults, ...options };
  const store = new EmulatorStore({
    environmentId: o.environmentId,
    requestLogLimit: o.requestLogLimit,
    maxEvents: o.maxEvents,
    ...(o.now && { now: o.now }),
  });
  if (o.flags) store.setFlags(o.flags);
  if (o.catalog) store.setCatalog(o.catalog);
  if (o.seed) store.seed(o.seed);
  const faults = new Faults(o);
  const inspectorToken = globalThis.crypto.randomUUID();
  const handle = createRequestHandler({
    inspectorToken,
    store,
    faults,
    maxBodyBytes: o.maxBodyBytes,
    maxBodyDepth: o.maxBodyDepth,
    cors: o.cors ?? [],
    sleep,
  });
  const fetch = createFetch(handle, o.maxBodyBytes);
  const emulator: Emulator = {
    fetch: (input, init) => fetch(input, init),
    store,
    reset: () => store.reset(),
    setFaults: (next) => faults.set(next),
  };
  internals.set(emulator, { handle, faults, inspectorToken });
  return emulator;
}
