import type { IdentifyInput } from "@schematic-sdk/browser";
import { useSchematicClient } from "./context";
import { useIdentify } from "./useIdentify";

/**
 * Identifies the signed-in user (and their company) whenever the input's
 * content changes; a new object with the same content sends nothing. Pass
 * `null` while nobody is signed in.
 *
 * @example
 * useSchematicIdentify(user && { keys: { id: user.id }, company: { keys: { id: user.orgId } } });
 */
export function useSchematicIdentify(input: IdentifyInput | null | undefined): void {
  useIdentify(useSchematicClient("useSchematicIdentify"), input);
}
