// Everything else comes from the browser package, re-exported for one import line.
export type {
  Bootstrap,
  DeliveryResult,
  FlagCheck,
  Plan,
  SchematicOptions,
  SchematicSnapshot,
} from "@schematic-sdk/browser";
export { Schematic } from "@schematic-sdk/browser";
export { SchematicContext } from "./context";
export type { SchematicProviderProps } from "./SchematicProvider";
export { SchematicProvider } from "./SchematicProvider";
export type { UseSchematicResult } from "./useSchematic";
export { useSchematic } from "./useSchematic";
export { useSchematicEntitlement } from "./useSchematicEntitlement";
export type { UseSchematicFlagOptions } from "./useSchematicFlag";
export { useSchematicFlag } from "./useSchematicFlag";
export { useSchematicIdentify } from "./useSchematicIdentify";
export { useSchematicIsReady } from "./useSchematicIsReady";
export { useSchematicPlan } from "./useSchematicPlan";
