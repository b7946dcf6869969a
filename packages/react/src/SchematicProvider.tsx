import { type Bootstrap, type IdentifyInput, Schematic, type SchematicOptions } from "@schematic-sdk/browser";
import { type ReactNode, useEffect, useMemo, useRef } from "react";
import { SchematicContext } from "./context";
import { useIdentify } from "./useIdentify";

interface CommonProps {
  children?: ReactNode | undefined;
  /** Identify this user (and company) declaratively; `null` while signed out. */
  identify?: IdentifyInput | null | undefined;
}

export type SchematicProviderProps = CommonProps &
  (
    | {
        /** Your publishable key (`api_…`). Changing it swaps the client. */
        publishableKey: string;
        /** Read once, when the client is created: a new object each render changes nothing. */
        options?: SchematicOptions;
        /** Context and flag values the server rendered with; in the store from its first snapshot. */
        bootstrap?: Bootstrap;
        client?: never;
      }
    | {
        /** A client you created (and close) yourself. */
        client: Schematic;
        publishableKey?: never;
        options?: never;
        bootstrap?: never;
      }
  );

/**
 * Gives its subtree a Schematic client, created from `publishableKey` or the
 * `client` you pass, and mounts it while the provider is mounted (its timers,
 * page listeners and tab lease run from the first mount to the last
 * unmount). Safe in StrictMode and on a server: creating the client starts
 * nothing and sends nothing.
 *
 * @example
 * <SchematicProvider publishableKey="api_…" identify={{ keys: { id: user.id }, company: { keys: { id: org.id } } }}>
 *   <App />
 * </SchematicProvider>
 */
export function SchematicProvider(props: SchematicProviderProps): ReactNode {
  const { client: given, publishableKey } = props;
  const latest = useRef(props);
  latest.current = props;
  // Options and bootstrap are read once per client; only the key or the client swap it.
  const created = useMemo(() => {
    if (given) return null;
    const { options, bootstrap } = latest.current;
    return new Schematic(publishableKey as string, bootstrap ? { ...options, bootstrap } : options);
  }, [given, publishableKey]);
  const client = (given ?? created) as Schematic;

  // Ref-counted: StrictMode's unmount-and-remount of effects stops and
  // restarts the one client; the last unmount (or a swap to another client)
  // stops its timers, listeners and tab lease, its queue staying stored.
  useEffect(() => {
    client.mount();
    return () => client.unmount();
  }, [client]);

  useIdentify(client, props.identify);
  return <SchematicContext.Provider value={client}>{props.children}</SchematicContext.Provider>;
}
