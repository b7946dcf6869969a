/**
 * Options of `createEmulator` and their defaults, in one place.
 */
import type { FaultOptions } from "./faults";
import type { FlagsConfig } from "./flags";
import type { StoreSeed } from "./store";

/** Options of `createEmulator`; every one is optional. */
export interface EmulatorOptions extends FaultOptions {
  /**
   * Base URL the msw `handlers` answer for (the SDK's `apiUrl`).
   * @default "https://api.schematichq.com"
   */
  apiUrl?: string;
  /**
   * Base URL the msw `handlers` answer for (the SDK's `eventUrl`).
   * @default "https://c.schematichq.com"
   */
  eventUrl?: string;
  /**
   * Also answer the protocol's paths (`/companies`, `/e`, …) on any origin in `handlers`.
   * Off by default: it would catch your own app's `/users`.
   * @default false
   */
  anyOrigin?: boolean;
  /** Flags answered by the flag routes (see the README for the format). */
  flags?: FlagsConfig;
  /** Companies and users to start with, as `POST /companies` / `POST /users` bodies. */
  seed?: StoreSeed;
  /** @default "env_emulator" */
  environmentId?: string;
  /** Larger bodies are answered 400. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /** Request-log entries kept (the oldest go first). @default 10000 */
  requestLogLimit?: number;
  /** Events kept (the oldest go first). @default 100000 */
  maxEvents?: number;
  /** Random source for `failRate`, for deterministic tests. @default Math.random */
  random?: () => number;
  /** Clock (ms since the epoch) for timestamps and the rate limiter. @default Date.now */
  now?: () => number;
}

/**
 * Every default of the emulator and its server.
 *
 * @example
 * ```ts
 * await startEmulator({ port: emulatorDefaults.port }); // 8787
 * ```
 */
export const emulatorDefaults = Object.freeze({
  apiUrl: "https://api.schematichq.com",
  eventUrl: "https://c.schematichq.com",
  anyOrigin: false,
  environmentId: "env_emulator",
  maxBodyBytes: 1024 * 1024,
  requestLogLimit: 10_000,
  maxEvents: 100_000,
  /** `startEmulator` / CLI */
  host: "127.0.0.1",
  port: 8787,
  /** Milliseconds between a change and the data file write that includes it. */
  persistDelay: 250,
});
