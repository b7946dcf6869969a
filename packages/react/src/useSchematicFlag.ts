import { validateFlagKey } from "@schematic-sdk/browser";
import { useAskWhileUnknown, useSchematicClient, useSnapshot } from "./context";

export interface UseSchematicFlagOptions {
  /**
   * The value while the flag is unknown or its check failed.
   * @default false
   */
  fallback?: boolean | undefined;
}

/**
 * A flag's value for the current context. Asks the API on mount unless the
 * value is already known or bootstrapped; any number of components reading
 * one flag share one request. Re-renders only when this flag's value changes.
 * An invalid key throws `SchematicValidationError` during render.
 *
 * @example
 * const canExport = useSchematicFlag("export-csv", { fallback: false });
 */
export function useSchematicFlag(key: string, options: UseSchematicFlagOptions = {}): boolean {
  const client = useSchematicClient("useSchematicFlag");
  // A bad key throws here, where an error boundary sees it, not later in an effect's promise.
  validateFlagKey(key);
  const value = useSnapshot(client, (s) => s.flags[key]);
  const fallback = options.fallback ?? false;
  useAskWhileUnknown(client, key, value === undefined, fallback);
  return value ?? fallback;
}
