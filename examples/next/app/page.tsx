import type { Context } from "@schematic-sdk/node";
import { Dashboard } from "./dashboard";
import { browserOptions, schematic } from "./schematic";

// Flags depend on who asks: render on every request.
export const dynamic = "force-dynamic";

interface PageProps {
  searchParams: Promise<{ company?: string; user?: string; bootstrap?: string }>;
}

/**
 * A server component: it reads the flags for the signed-in user's company
 * with the Node client and hands them to the client side as `bootstrap`, so
 * the HTML already shows the real values and hydration shows the same.
 * `?bootstrap=company` reads them for the company alone (what a server may
 * know before the user is identified in the browser).
 */
export default async function Page({ searchParams }: PageProps) {
  const { company = "demo-company", user = "demo-user", bootstrap } = await searchParams;
  const context: Context =
    bootstrap === "company" ? { company: { id: company } } : { company: { id: company }, user: { id: user } };
  const newDashboard = await schematic.checkFlag("new-dashboard", context, { fallback: false });
  return (
    <main>
      <h1>Next.js App Router</h1>
      <p>
        Flags read on the server for {JSON.stringify(context)}; the browser identifies <code>{user}</code> of{" "}
        <code>{company}</code>.
      </p>
      <Dashboard
        {...browserOptions}
        bootstrap={{ context, flags: { "new-dashboard": newDashboard } }}
        identify={{ keys: { id: user }, company: { keys: { id: company } } }}
      />
    </main>
  );
}
