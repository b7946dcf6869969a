import type { FlagCheck } from "@schematic-sdk/browser";
import { useAskWhileUnknown, useSchematicClient, useSnapshot } from "./context";
import type { UseSchematicFlagOptions } from "./useSchematicFlag";

/**
 * A flag's whole check for the current context — its value, entitlement,
 * allocation and usage (this client's tracked usage shown at once). Asks the
 * API on mount unless known or bootstrapped; re-renders only when this check
 * changes. While unknown (or if its check failed), `{ flag, value: fallback, reason: "fallback" }`.
 *
 * @example
 * const queries = useSchematicEntitlement("queries", { fallback: false });
 * return <p>{queries.featureUsage} of {queries.featureAllocation} queries used</p>;
 */
export function useSchematicEntitlement(key: string, options: UseSchematicFlagOptions = {}): FlagCheck {
  const client = useSchematicClient("useSchematicEntitlement");
  const check = useSnapshot(client, (s) => s.checks[key]);
  const fallback = options.fallback ?? false;
  useAskWhileUnknown(client, key, check === undefined, fallback);
  return check ?? { flag: key, value: fallback, reason: "fallback" };
}
