// A signup flow on the server: create (or update) the company, then the user
// who belongs to it, print what the API stored, and record a usage event.
// Runs against the local emulator unless SCHEMATIC_API_URL says otherwise:
//   pnpm demo                       (starts the emulator and runs this)
//   SCHEMATIC_API_URL=… SCHEMATIC_API_KEY=sch_… node signup.mjs
import { isSchematicError, SchematicClient } from "@schematic-sdk/node";

const apiUrl = process.env.SCHEMATIC_API_URL ?? "http://127.0.0.1:8787";
const schematic = new SchematicClient({
  apiKey: process.env.SCHEMATIC_API_KEY ?? "sch_dev_demo",
  apiUrl,
  eventUrl: process.env.SCHEMATIC_EVENT_URL ?? apiUrl,
});

try {
  const company = await schematic.upsertCompany({
    keys: { id: "demo-company", stripeCustomerId: "cus_demo" },
    name: "Demo Company",
    traits: { seats: 5, plan: "pro" },
  });
  console.log("company", company);

  const user = await schematic.upsertUser({
    keys: { id: "demo-user", email: "demo@example.com" },
    name: "Demo User",
    company: { id: "demo-company" },
    traits: { role: "admin" },
  });
  console.log("user", user);

  const dashboard = await schematic.checkFlag(
    "new-dashboard",
    { company: { id: "demo-company" } },
    { fallback: false },
  );
  console.log("new-dashboard is", dashboard ? "on" : "off", "for demo-company");

  schematic.track({ event: "signup", company: { id: "demo-company" }, user: { id: "demo-user" } });
} catch (error) {
  if (!isSchematicError(error)) throw error;
  console.error(`${error.name}: ${error.message}`);
  process.exitCode = 1;
} finally {
  // Delivers the buffered track event before the process ends.
  await schematic.close();
}
