export { canonicalJson, jsonEqual } from "./canonical";
export { isoTime, monotonicNow } from "./clock";
export {
  fromWireCompany,
  fromWireFlagCheck,
  fromWireFlagsCheck,
  fromWireKeys,
  fromWirePlan,
  fromWireUser,
  toWireCompanyUpsert,
  toWireIdentifyBody,
  toWireTrackBody,
  toWireUserUpsert,
} from "./convert";
export { createEvent, uuid } from "./envelope";
export type { ValidationIssue } from "./errors";
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
} from "./errors";
export { isPlainObject, LIMITS, RESERVED_NAMES, utf8Length } from "./fields";
export type {
  FetchFunction,
  HttpClientOptions,
  RequestOptions,
  RequestResult,
  ResponseLike,
  RetryOptions,
} from "./http";
export { HttpClient, MAX_RESPONSE_BYTES, parseBody, readBoundedText, requestWithRetries } from "./http";
export { isPublishableKey, isSecretKey, KEY_PREFIXES, maskKey } from "./keys";
export type { Logger, LogLevel } from "./logger";
export { createLogger } from "./logger";
export type { OptionRule } from "./options";
export { checkOptions, closestName, describeValue, optionRules, withDefaults } from "./options";
export type { RetryPolicy } from "./retry";
export {
  Backoff,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
} from "./retry";
export type { Storage, WebStorageLike } from "./storage";
export { memoryStorage, webStorage } from "./storage";
export type { Timers } from "./timers";
export { defaultTimers, sleep } from "./timers";
export type {
  Company,
  CompanyInput,
  CompanyMembership,
  Context,
  EntitlementValueType,
  FlagCheck,
  FlagRuleType,
  FlagsCheck,
  FlagsPlan,
  IdentifyInput,
  Keys,
  Plan,
  TrackInput,
  TraitInput,
  Traits,
  TraitsInput,
  TraitValue,
  UpsertCompanyInput,
  UpsertUserInput,
  UsagePeriod,
  User,
} from "./types";
export {
  validateCompany,
  validateContext,
  validatedJson,
  validateFlagKey,
  validateIdentify,
  validateTrack,
  validateUpsertCompany,
  validateUpsertUser,
} from "./validate";
export { VERSION } from "./version";
export type {
  EventType,
  WireBatch,
  WireCompany,
  WireCompanyMembership,
  WireCompanyUpsert,
  WireEntitlement,
  WireEntityKey,
  WireEnvelope,
  WireEvent,
  WireFlagCheck,
  WireFlagCheckBody,
  WireFlagsCheck,
  WireIdentifyBody,
  WirePlan,
  WireTrackBody,
  WireUser,
  WireUserUpsert,
} from "./wire";

// Deliberately not exported: internal helpers of validation (per-field checks) and of the HTTP client.
