/**
 * Options of `createEmulator` and their defaults, in one place.
 */
import type { Catalog } from "./catalog";
import type { FaultOptions } from "./faults";
import type { FlagsConfig } from "./flags";
import type { StoreSeed } from "./store";

/** Options of `createEmulator`; every one is optional. */
export interface EmulatorOptions extends FaultOptions {
  /** Flags answered by the flag routes (see the README for the format). */
  flags?: FlagsConfig;
  /** Features, plans, entitlements and plan assignments (see the README for the format). */
  catalog?: Catalog;
  /** Companies and users to start with, as `POST /companies` / `POST /users` bodies. */
  seed?: StoreSeed;
  /**
   * Origins (besides loopback ones: `localhost`, `127.0.0.1`, `[::1]`) that may
   * call the emulator from a browser, e.g. `["https://app.test"]`.
   * @default []
   */
  cors?: string[];
  /** @default "env_emulator" */
  environmentId?: string;
  /** Larger bodies are answered 400. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** Bodies nested deeper (objects and arrays) are answered 400. @default 64 */
  maxBodyDepth?: number;
  /** Request-log entries kept (the oldest go first). @default 10000 */
  requestLogLimit?: number;
  /** Events kept (the oldest go first); metered usage counts every event regardless. @default 100000 */
  maxEvents?: number;
  /** Random source for `failRate`, for deterministic tests. @default Math.random */
  random?: () => number;
  /** Clock (ms since the epoch) for timestamps, usage periods and the rate limiter. @default Date.now */
  now?: () => number;
}

/** Every option name `createEmulator` takes (unknown names are refused). */
export const EMULATOR_OPTION_NAMES = [
  "flags",
  "catalog",
  "seed",
  "cors",
  "environmentId",
  "maxBodyBytes",
  "maxBodyDepth",
  "requestLogLimit",
  "maxEvents",
  "random",
  "now",
  "failRate",
  "latency",
  "rateLimit",
] as const;

/**
 * Every default of the emulator, its msw handlers and its server.
 *
 * @example
 * ```ts
 * await startEmulator({ port: emulatorDefaults.port }); // 8787
 * ```
 */
export const emulatorDefaults = Object.freeze({
  /** msw handlers: the SDK's `apiUrl`. */
  apiUrl: "https://api.schematichq.com",
  /** msw handlers: the SDK's `eventUrl`. */
  eventUrl: "https://c.schematichq.com",
  anyOrigin: false,
  environmentId: "env_emulator",
  maxBodyBytes: 1024 * 1024,
  /** Far below the depth at which serialising a stored value would fail. */
  maxBodyDepth: 64,
  requestLogLimit: 10_000,
  maxEvents: 100_000,
  /** `startEmulator` / CLI */
  host: "127.0.0.1",
  port: 8787,
  /** Milliseconds between a change and the data file write that includes it. */
  persistDelay: 250,
  /** Milliseconds between a change and the live pushes it causes (changes within it are sent together). */
  pushDelay: 10,
});
