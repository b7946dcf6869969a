import { type IdentifyInput, type Schematic, validatedJson, validateIdentify } from "@schematic-sdk/browser";
import { useEffect, useLayoutEffect, useMemo } from "react";

// The one place this package looks for a window: React 18 warns about layout effects on a server.
const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * Identifies when the input's content changes. Validation runs during render,
 * so bad input throws a `SchematicValidationError` an error boundary can show;
 * the identify itself runs in an effect, never on a server, and the client
 * takes the validated copy without checking it again. StrictMode's
 * double effect sends one request: the client drops an identify identical to
 * the last one.
 *
 * It runs as a layout effect, before any passive effect of the same commit:
 * flag checks that components start on mount already carry the new context,
 * so nothing is asked twice.
 */
export function useIdentify(client: Schematic, input: IdentifyInput | null | undefined): void {
  const checked = input ? validateIdentify(input) : null;
  // Validated values serialise canonically: equal content, equal key.
  const key = checked ? validatedJson(checked) : "";
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key stands for the input's content
  const valid = useMemo(() => checked, [key]);
  useIsomorphicLayoutEffect(() => {
    if (valid) void client.identify(valid);
  }, [client, valid]);
}
