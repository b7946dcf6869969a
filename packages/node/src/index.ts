/**
 * @schematic-sdk/node: the Schematic server client. Everything public is
 * listed here by name. Deliberately left out: the event buffer, the batch
 * encoder and the memory flag cache (internal), core's browser-only pieces
 * (storage, envelopes), and the Redis flag cache, which has its own entry
 * (`@schematic-sdk/node/redis`) so that this one never loads `redis`.
 */

export type {
  Company,
  CompanyInput,
  CompanyMembership,
  Context,
  FetchFunction,
  FlagCheck,
  IdentifyInput,
  Keys,
  Logger,
  LogLevel,
  Plan,
  TrackInput,
  Traits,
  TraitValue,
  UpsertCompanyInput,
  UpsertUserInput,
  User,
  ValidationIssue,
} from "@schematic-sdk/core";
export {
  isSchematicApiError,
  isSchematicConfigError,
  isSchematicError,
  isSchematicNetworkError,
  isSchematicTimeoutError,
  isSchematicValidationError,
  SchematicApiError,
  SchematicConfigError,
  SchematicError,
  SchematicNetworkError,
  SchematicTimeoutError,
  SchematicValidationError,
} from "@schematic-sdk/core";
export type { HookOptions, SchematicHooks } from "./api";
export type { FlushOptions, ServerTrackInput } from "./client";
export { SchematicClient } from "./client";
export type { CheckFlagOptions, RequestCallOptions, SchematicClientOptions } from "./defaults";
export { DEFAULTS } from "./defaults";
export type { EventBufferStats } from "./eventStats";
export type { FlagCacheProvider } from "./flagCache";
export { MAX_RESPONSE_BYTES } from "./transport";
