import { type Bootstrap, Schematic, type SchematicOptions } from "@schematic-sdk/browser";
import type { IdentifyInput } from "@schematic-sdk/core";
import { type ReactNode, useEffect, useMemo, useRef } from "react";
import { SchematicContext } from "./context";
import { useIdentify } from "./useIdentify";

interface CommonProps {
  children?: ReactNode;
  /** Identify this user (and company) declaratively; `null` while signed out. */
  identify?: IdentifyInput | null;
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
 * Gives its subtree a Schematic client. It creates the client from
 * `publishableKey` (and closes it on unmount or when the key changes) or uses
 * the `client` you pass. Safe in StrictMode and on a server: creating the
 * client touches no browser global and sends nothing.
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

  // Closing waits a tick: StrictMode's unmount-and-remount of effects then
  // keeps the one client instead of closing it under a live tree. A swap to
  // another client lets the old one's close go ahead.
  const closing = useRef<{ client: Schematic; timer: ReturnType<typeof setTimeout> } | undefined>(undefined);
  useEffect(() => {
    if (!created) return;
    if (closing.current?.client === created) clearTimeout(closing.current.timer);
    return () => {
      closing.current = { client: created, timer: setTimeout(() => created.close(), 0) };
    };
  }, [created]);

  useIdentify(client, props.identify);
  return <SchematicContext.Provider value={client}>{props.children}</SchematicContext.Provider>;
}
