/**
 * @schematic-sdk/browser: identify users and companies from the browser with
 * a persisted, retried event queue; check flags; bind UIs to its store.
 *
 * Everything public is listed here by name. Deliberately left out: the queue,
 * tab coordination and storage writer (internal), and core's server-only
 * pieces (upsert conversion, the Node client's types).
 */
export type {
  CompanyInput,
  Context,
  FetchFunction,
  FlagCheck,
  IdentifyInput,
  Keys,
  Plan,
  Storage,
  Timers,
  TrackInput,
  TraitInput,
  Traits,
  TraitsInput,
  TraitValue,
  ValidationIssue,
  WireEvent,
} from "@schematic-sdk/core";
export {
  isSchematicApiError,
  isSchematicConfigError,
  isSchematicError,
  isSchematicNetworkError,
  isSchematicTimeoutError,
  isSchematicValidationError,
  memoryStorage,
  SchematicApiError,
  SchematicConfigError,
  SchematicError,
  SchematicNetworkError,
  SchematicTimeoutError,
  SchematicValidationError,
  // For UI bindings: validate during render (an error boundary sees it), and the validated input's content key.
  validatedJson,
  validateFlagKey,
  validateIdentify,
} from "@schematic-sdk/core";
export type { WebSocketConstructor, WebSocketLike } from "./live";
export type {
  Bootstrap,
  DeliveryResult,
  DroppedEvent,
  DropReason,
  QueueStats,
  SchematicOptions,
  SchematicSnapshot,
} from "./options";
export { DEFAULTS } from "./options";
export type { LockManagerLike, PageEvent, PageLifecycle } from "./platform";
export { Schematic } from "./schematic";
