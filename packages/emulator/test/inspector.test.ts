import { describe, expect, it } from "vitest";
import { event, setup } from "./helpers";

describe("inspector and bookkeeping", () => {
  it("GET / is one page with nothing to fetch, its data embedded so nothing apps send becomes markup", async () => {
    const { call } = setup();
    await call(
      "POST",
      "/e",
      event("identify", {
        keys: { id: "</script><script>alert(1)</script>" },
        name: "Ann & <b>Co</b> \u2028",
        company: { keys: { id: "c_1" }, name: '"Acme"', traits: { plan: "<!--pro" } },
      }),
    );
    const res = await call("GET", "/", undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = res.text;
    expect(page).not.toContain('http-equiv="refresh"');
    // no external assets: every script and style is inline
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet|https?:\/\/(?!www\.w3\.org)/);
    // the one script element that holds data ends where it should: no "</script" or "<!--" inside it
    const scripts = page.match(/<script[^>]*>/g) ?? [];
    expect(scripts).toEqual(['<script type="application/json" id="inspector-config">', "<script>"]);
    expect(page.match(/<\/script>/g)).toHaveLength(2);
    expect(page).not.toContain("<b>Co</b>");
    expect(page).not.toContain("<!--pro");
    const json = /<script type="application\/json" id="inspector-config">(.*?)<\/script>/s.exec(page)![1]!;
    const config = JSON.parse(json);
    expect(config.state.users.items[0].name).toBe("Ann & <b>Co</b> \u2028");
    expect(config.state.users.items[0].keys).toEqual([
      { key: "id", value: "</script><script>alert(1)</script>" },
    ]);
    expect(config.state.events.items[0].apiKey).not.toBe("api_pub_test");
    expect(page).not.toContain("api_pub_test");
  });

  it("GET /inspector/state: companies with plan, overrides and every answer's reason; events newest first; keys masked", async () => {
    const { call } = setup({
      catalog: {
        features: { queries: { type: "event", event: "query" }, sso: { type: "boolean" } },
        plans: {
          free: { name: "Free", entitlements: { queries: { allocation: 3, period: "current_month" } } },
          pro: { name: "Pro", entitlements: { queries: "unlimited", sso: true } },
        },
        defaultPlan: "free",
      },
      flags: { flags: { beta: true } },
    });
    await call("POST", "/users", { keys: { id: "u1" }, name: "Ann", company: { id: "acme" } });
    await call("POST", "/e", event("track", { event: "query", company: { id: "acme" }, quantity: 2 }));
    await call("PUT", "/admin/companies/id:acme/overrides/sso", { value: true });
    const { data } = (await call("GET", "/inspector/state", undefined, { key: null })).json;
    const [acme] = data.companies.items;
    expect(acme).toMatchObject({
      keys: [{ key: "id", value: "acme" }],
      plan: { id: "free", name: "Free" },
      planSetAtRuntime: false,
      overrides: { sso: true },
      users: [{ name: "Ann" }],
    });
    expect(
      acme.answers.map((a: { flag: string; value: boolean; reason: string; rule_type: string }) => [
        a.flag,
        a.value,
        a.reason,
        a.rule_type,
      ]),
    ).toEqual([
      ["queries", true, "2 of 3 queries used this month on Free", "plan_entitlement"],
      ["sso", true, "Overridden for this company", "company_override"],
      ["beta", true, expect.any(String), expect.any(String)],
    ]);
    expect(data.users.items[0]).toMatchObject({ name: "Ann", companies: [{ id: acme.id }] });
    expect(data.events.items).toHaveLength(1);
    expect(data.events.items[0]).toMatchObject({
      type: "track",
      event: "query",
      companyId: acme.id,
      apiKey: expect.stringMatching(/…|\*/),
    });
    expect(JSON.stringify(data)).not.toContain("api_pub_test");
    expect(data.catalog).toMatchObject({
      defaultPlan: "free",
      flags: ["beta"],
      plans: [{ id: "free" }, { id: "pro" }],
    });
    // the request log, newest first, with latency
    expect(data.requests.items[0]).toMatchObject({
      method: "POST",
      path: "/e",
      status: 200,
      ms: expect.any(Number),
      fault: null,
    });
    expect(data.stats).toMatchObject({ companies: 1, users: 1, liveClients: 0 });
  });

  it("keeps a request log with arrival times and counts, readable over HTTP too", async () => {
    let now = 5_000;
    const { call, store, emulator } = setup({ now: () => now });
    await call(
      "POST",
      "/companies",
      { keys: { id: "c" } },
      { headers: { "x-schematic-client-version": "sdk@1.0.0" } },
    );
    now = 6_000;
    await call("POST", "/companies", {});
    await call("GET", "/companies");
    expect(store.requests()).toEqual([
      {
        at: 5_000,
        method: "POST",
        path: "/companies",
        status: 200,
        ms: expect.any(Number),
        clientVersion: "sdk@1.0.0",
      },
      { at: 6_000, method: "POST", path: "/companies", status: 400, ms: expect.any(Number) },
    ]);
    expect(store.requests({ since: 5_500 })).toHaveLength(1);
    const stats = await call("GET", "/stats");
    expect(stats.json.data).toMatchObject({ requests: 2, statuses: { "200": 1, "400": 1 }, companies: 1 });
    const log = await call("GET", "/requests?path=/companies&since=5500");
    expect(log.json.data).toHaveLength(1);
    emulator.reset();
    expect(store.stats().requests).toBe(0);
    expect(store.requests()).toEqual([]);
    expect(store.companies()).toEqual([]);
  });

  it("POST /reset clears the store but keeps flags", async () => {
    const { call, store } = setup({ flags: { flags: { f: true } } });
    await call("POST", "/companies", { keys: { id: "c" } });
    expect((await call("POST", "/reset")).status).toBe(200);
    expect(store.companies()).toEqual([]);
    expect(store.getFlags()).toEqual({ flags: { f: true } });
  });

  it("the request log is bounded", async () => {
    const { call, store } = setup({ requestLogLimit: 3 });
    for (const id of ["a", "b", "c", "d", "e"]) await call("POST", "/companies", { keys: { id } });
    expect(store.requests()).toHaveLength(3);
    expect(store.stats().requests).toBe(5);
  });
});

describe("the inspector page's script", () => {
  it("src/inspector/clientScript.ts is the bundle of src/inspector/client/ (run scripts/inspector-client.mjs)", async () => {
    const { readFile } = await import("node:fs/promises");
    // @ts-expect-error: a plain script without types
    const { clientModule } = await import("../scripts/inspector-client.mjs");
    const committed = await readFile(new URL("../src/inspector/clientScript.ts", import.meta.url), "utf8");
    expect(committed).toBe(await clientModule());
  });
});

describe("reading the latest of a large store", () => {
  it("store reads take `last`; the inspector shows the latest 200, newest first, with the totals", async () => {
    const { call, store } = setup();
    const events = Array.from({ length: 250 }, (_, i) => ({
      type: i % 2 ? "track" : "identify",
      body:
        i % 2
          ? { event: `e${i}`, company: { id: "c" } }
          : { keys: { id: `u${i}` }, company: { keys: { id: `c${i}` } } },
    }));
    await call("POST", "/batch", { events });
    expect(store.events({ last: 2 }).map((e) => e.body.event ?? "identify")).toEqual(["identify", "e249"]);
    expect(store.events({ type: "track", last: 2 }).map((e) => e.body.event)).toEqual(["e247", "e249"]);
    expect(store.events({ last: 0 })).toEqual([]);
    expect(store.companies({ last: 1 })[0]?.keys).toEqual([
      expect.objectContaining({ key: "id", value: "c248" }),
    ]);
    expect(store.users({ last: 3 })).toHaveLength(3);
    const c = store.findCompany({ id: "c" })!;
    expect(store.getCompany(c.id)?.keys[0]?.value).toBe("c");
    expect(store.getCompany("comp_missing")).toBeUndefined();
    const c0 = store.findCompany({ id: "c0" })!;
    expect(store.usersOf(c0.id).map((u) => u.keys[0]?.value)).toEqual(["u0"]);

    const { data } = (await call("GET", "/inspector/state", undefined, { key: null })).json;
    expect(data.events.total).toBe(250);
    expect(data.events.items).toHaveLength(200);
    expect(data.events.items[0].event).toBe("e249");
    expect(data.companies.total).toBe(126);
    expect(data.companies.items).toHaveLength(126);
    expect(data.users).toMatchObject({ total: 125 });
    expect(data.users.items[0].companies[0].id).toBe(store.findCompany({ id: "c248" })!.id);
  });
});
