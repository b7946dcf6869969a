import { type Schematic, SchematicConfigError, type SchematicSnapshot } from "@schematic-sdk/browser";
import { createContext, useCallback, useContext, useEffect, useSyncExternalStore } from "react";

/** The client a `SchematicProvider` gives its subtree. */
export const SchematicContext = /* @__PURE__ */ createContext<Schematic | null>(null);

/** The provider's client; throws `SchematicConfigError` outside a `SchematicProvider`. */
export function useSchematicClient(hook: string): Schematic {
  const client = useContext(SchematicContext);
  if (!client) {
    throw new SchematicConfigError(
      `${hook} must be used inside <SchematicProvider>; wrap your app (or this component) in one.`,
    );
  }
  return client;
}

/**
 * Reads one value of the client's store. The component re-renders only when
 * the selected value changes (`Object.is`), so selectors return primitives or
 * parts of the immutable snapshot. The server snapshot is the bootstrap, so
 * server HTML and hydration agree.
 */
export function useSnapshot<T>(client: Schematic, select: (snapshot: SchematicSnapshot) => T): T {
  const subscribe = useCallback((listener: () => void) => client.subscribe(listener), [client]);
  return useSyncExternalStore(
    subscribe,
    () => select(client.getSnapshot()),
    () => select(client.getServerSnapshot()),
  );
}

/** Asks the API for `key` on mount (and when the key changes) while nothing is known for it; components reading one flag share one request. */
export function useAskWhileUnknown(
  client: Schematic,
  key: string,
  unknown: boolean,
  fallback: boolean,
): void {
  useEffect(() => {
    if (unknown) void client.checkFlag(key, { fallback });
  }, [client, key, unknown, fallback]);
}
