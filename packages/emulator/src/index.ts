/**
 * @schematic-sdk/emulator: a Schematic-compatible API for local development
 * and tests.
 *
 * - `createEmulator()` — the protocol as a `fetch` function and msw handlers,
 *   over an in-memory store (no sockets, runs in workers too);
 * - `startEmulator()` — the same over real HTTP (Node), with an optional data
 *   file; the `schematic-emulator` CLI wraps it.
 *
 * Deliberately left out: the transport-neutral handler and the route table
 * (internal), and any Schematic feature beyond `WIRE.md` (plans, billing,
 * usage metering).
 */
export { createEmulator, type Emulator } from "./emulator";
export type { EmulatorCore } from "./emulatorCore";
export type { FaultOptions } from "./faults";
export {
  evaluateFlag,
  type FlagDefinition,
  type FlagSubject,
  type FlagsConfig,
  type FlagTraitRule,
  parseFlagsConfig,
} from "./flags";
export { type EmulatorOptions, emulatorDefaults } from "./options";
export type { StoredEvent } from "./records";
export type { RequestLogEntry, RequestLogFilter } from "./requestLog";
export type { RunningEmulator, StartEmulatorOptions } from "./server";
export type { StoreSnapshot } from "./snapshot";
export { startEmulator } from "./start";
export { type EmulatorStats, EmulatorStore, type StoreOptions, type StoreSeed } from "./store";
export type {
  CompanyUpsertInput,
  EntityInput,
  EventInput,
  FlagContextInput,
  UserUpsertInput,
} from "./validate";
