/**
 * @schematic-sdk/node: the Schematic server client. Everything public is
 * listed here by name. Deliberately left out: the event buffer and flag cache
 * (internal), and core's browser-only pieces (storage, envelopes).
 */

export type {
  Company,
  CompanyInput,
  CompanyMembership,
  Context,
  FetchFunction,
  IdentifyInput,
  Keys,
  Logger,
  LogLevel,
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
export type { ServerTrackInput } from "./client";
export { SchematicClient } from "./client";
export type { CheckFlagOptions, RequestCallOptions, SchematicClientOptions } from "./defaults";
export { DEFAULTS } from "./defaults";
export type { EventBufferStats } from "./eventBuffer";
