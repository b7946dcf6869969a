import { SchematicClient } from "@schematic-sdk/node";

// One client for the server process, pointed at the local emulator unless the
// environment says otherwise. Its event buffer's timer never keeps the process alive.
const apiUrl = process.env.SCHEMATIC_API_URL ?? "http://127.0.0.1:8787";

export const schematic = new SchematicClient({
  apiKey: process.env.SCHEMATIC_API_KEY ?? "sch_dev_demo",
  apiUrl,
  eventUrl: process.env.SCHEMATIC_EVENT_URL ?? apiUrl,
});

/** What the browser client needs, passed down from the server so one variable configures both. */
export const browserOptions = {
  publishableKey: process.env.SCHEMATIC_PUBLISHABLE_KEY ?? "api_demo",
  apiUrl,
  eventUrl: process.env.SCHEMATIC_EVENT_URL ?? apiUrl,
};
