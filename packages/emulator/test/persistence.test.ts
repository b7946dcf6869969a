import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/node";
import { event, PUBLISHABLE, SECRET } from "./helpers";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "schematic-emulator-usage-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const catalogPath = () => join(dir, "catalog.json");
const catalog = {
  features: { queries: { type: "event", event: "query" }, exports: { type: "boolean" } },
  plans: {
    free: { name: "Free", entitlements: { queries: { allocation: 3, period: "current_month" } } },
    pro: {
      name: "Pro",
      entitlements: { queries: { allocation: 100, period: "current_month" }, exports: true },
    },
  },
  defaultPlan: "free",
};

const send = (url: string, method: string, path: string, body: unknown, key = SECRET) =>
  fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-schematic-api-key": key },
    body: JSON.stringify(body),
  });

async function answers(server: RunningEmulator, company: string) {
  const res = await send(server.url, "POST", "/flags/check", { company: { id: company } }, PUBLISHABLE);
  return (await res.json()).data;
}

describe("--data with a catalog", () => {
  it("usage, plans and overrides survive a restart", async () => {
    await writeFile(catalogPath(), JSON.stringify(catalog));
    const file = join(dir, "round-trip.json");
    const first = await startEmulator({ port: 0, dataFile: file, catalog: catalogPath() });
    await send(first.url, "POST", "/companies", { keys: { id: "acme" } });
    await send(first.url, "POST", "/companies", { keys: { id: "other" } });
    await send(
      first.url,
      "POST",
      "/e",
      event("track", { event: "query", company: { id: "acme" }, quantity: 2 }),
    );
    await send(first.url, "PUT", "/admin/companies/id:acme/plan", { plan: "pro" });
    await send(first.url, "PUT", "/admin/companies/id:other/overrides/exports", { value: true });
    const before = [await answers(first, "acme"), await answers(first, "other")];
    expect(before[0].flags[0]).toMatchObject({ feature_usage: 2, feature_allocation: 100 });
    await first.close();

    const second = await startEmulator({ port: 0, dataFile: file, catalog: catalogPath() });
    try {
      expect([await answers(second, "acme"), await answers(second, "other")]).toEqual(before);
      expect(before[1].flags[1]).toMatchObject({ value: true, rule_type: "company_override" });
    } finally {
      await second.close();
    }
  });

  it("a data file written before usage was kept loads, and its stored track events are metered", async () => {
    const file = join(dir, "old.json");
    const now = new Date().toISOString();
    const company = {
      id: "comp_old",
      name: "",
      traits: {},
      created_at: now,
      updated_at: now,
      last_seen_at: now,
      keys: [{ key: "id", id: "ek_1", value: "acme", created_at: now, updated_at: now }],
    };
    const track = {
      id: "evt_1",
      type: "track",
      body: { event: "query", company: { id: "acme" }, quantity: 3 },
      api_key: PUBLISHABLE,
      sent_at: now,
      received_at: now,
      tracker_event_id: "t-1",
      tracker_user_id: null,
      idempotency_key: null,
      via: "e",
    };
    await writeFile(
      file,
      JSON.stringify({ version: 1, companies: [company], users: [], memberships: [], events: [track] }),
    );
    const server = await startEmulator({ port: 0, dataFile: file, catalog: catalog as never });
    try {
      expect((await answers(server, "acme")).flags[0]).toMatchObject({ value: false, feature_usage: 3 });
      // the event's id still counts as seen: sending it again does not add usage
      await send(server.url, "POST", "/e", { ...event("track", track.body), tracker_event_id: "t-1" });
      expect((await answers(server, "acme")).flags[0].feature_usage).toBe(3);
      await send(server.url, "POST", "/e", event("track", track.body));
      await server.flush();
      expect(JSON.parse(await readFile(file, "utf8")).usage).toMatchObject([{ event: "query", total: 6 }]);
    } finally {
      await server.close();
    }
  });

  it("a bad catalog file stops the start with the field's path", async () => {
    const bad = join(dir, "bad-catalog.json");
    await writeFile(
      bad,
      JSON.stringify({
        ...catalog,
        plans: { free: { entitlements: { queries: { allocation: 3, period: "monthly" } } } },
      }),
    );
    await expect(startEmulator({ port: 0, catalog: bad })).rejects.toThrow(
      /Cannot load catalog file .*bad-catalog\.json: Invalid catalog: plans\.free\.entitlements\.queries\.period: must be one of all_time, current_month, current_week, current_day; got "monthly"/,
    );
  });
});
