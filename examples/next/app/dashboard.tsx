"use client";

import type { IdentifyInput } from "@schematic-sdk/node";
import {
  type Bootstrap,
  SchematicProvider,
  useSchematicFlag,
  useSchematicIdentify,
} from "@schematic-sdk/react";

interface DashboardProps {
  publishableKey: string;
  apiUrl: string;
  eventUrl: string;
  bootstrap: Bootstrap;
  identify: IdentifyInput;
}

/** The client side: the provider starts from the server's bootstrap, then identifies the user. */
export function Dashboard({ publishableKey, apiUrl, eventUrl, bootstrap, identify }: DashboardProps) {
  return (
    <SchematicProvider publishableKey={publishableKey} options={{ apiUrl, eventUrl }} bootstrap={bootstrap}>
      <SignedIn identify={identify} />
      <NewDashboard />
    </SchematicProvider>
  );
}

function SignedIn({ identify }: { identify: IdentifyInput }) {
  useSchematicIdentify(identify);
  return null;
}

function NewDashboard() {
  const enabled = useSchematicFlag("new-dashboard", { fallback: false });
  return (
    <section id="new-dashboard" data-enabled={String(enabled)}>
      {enabled ? "The new dashboard is on" : "The classic dashboard"}
    </section>
  );
}
