import { useSchematicClient, useSnapshot } from "./context";

/**
 * True once the first flag answer is in (or failed, so fallbacks are final),
 * and from the first render when flags were bootstrapped or restored: render
 * a placeholder instead of fallbacks until then.
 *
 * @example
 * if (!useSchematicIsReady()) return <Spinner />;
 */
export function useSchematicIsReady(): boolean {
  return useSnapshot(useSchematicClient("useSchematicIsReady"), (s) => s.isReady);
}
