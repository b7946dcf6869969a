/**
 * @schematic-sdk/emulator: a Schematic-compatible API for local development
 * and tests. This entry is web standards only (no `node:` imports, no msw),
 * so it runs in workers and browsers too:
 *
 * - `createEmulator()` — the protocol as a `fetch` function over an in-memory
 *   store, with the catalog (plans, entitlements, metered usage);
 * - `@schematic-sdk/emulator/msw` — msw handlers over an emulator (msw is a peer dependency);
 * - `@schematic-sdk/emulator/node` — `startEmulator()`, the same over real
 *   HTTP with an optional data file; the `schematic-emulator` CLI runs it.
 *
 * Deliberately left out: the transport-neutral handler and the route table
 * (internal), billing, credits and every endpoint of the hosted API beyond `WIRE.md`.
 */
export {
  type Catalog,
  CatalogError,
  type CompanyAssignment,
  type EntitlementValue,
  type FeatureDefinition,
  type PlanDefinition,
  parseCatalog,
} from "./catalog";
export { createEmulator, type Emulator } from "./emulator";
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
export type { Period } from "./periods";
export type { StoredEvent } from "./records";
export type { RequestLogEntry, RequestLogFilter } from "./requestLog";
export type { StoreSnapshot } from "./snapshot";
export {
  type EmulatorStats,
  EmulatorStore,
  type StoreChange,
  type StoreOptions,
  type StoreSeed,
} from "./store";
export type { UsageRecord } from "./usage";
export type {
  CompanyUpsertInput,
  EntityInput,
  EventInput,
  FlagContextInput,
  TrackInput,
  UserUpsertInput,
} from "./validate";
