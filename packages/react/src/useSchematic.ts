import type { Context, Schematic } from "@schematic-sdk/browser";
import { useMemo } from "react";
import { useSchematicClient, useSnapshot } from "./context";

export interface UseSchematicResult {
  client: Schematic;
  identify: Schematic["identify"];
  track: Schematic["track"];
  checkFlag: Schematic["checkFlag"];
  /** The current context; the component re-renders when it changes. */
  context: Readonly<Context>;
}

/**
 * The provider's client and its main methods, with the same function
 * identities on every render (safe in effect dependencies).
 *
 * @example
 * const { track } = useSchematic();
 * return <button onClick={() => track({ event: "export" })}>Export</button>;
 */
export function useSchematic(): UseSchematicResult {
  const client = useSchematicClient("useSchematic");
  const context = useSnapshot(client, (s) => s.context);
  const methods = useMemo(
    () => ({
      client,
      identify: client.identify.bind(client),
      track: client.track.bind(client),
      checkFlag: client.checkFlag.bind(client),
    }),
    [client],
  );
  return useMemo(() => ({ ...methods, context }), [methods, context]);
}
