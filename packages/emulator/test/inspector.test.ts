import { describe, expect, it } from "vitest";
import { event, setup } from "./helpers";

describe("inspector and bookkeeping", () => {
  it("GET / lists companies, users and events, escaped, and refreshes itself", async () => {
    const { call } = setup();
    await call(
      "POST",
      "/e",
      event("identify", {
        keys: { id: "<script>alert(1)</script>" },
        name: "Ann & <b>Co</b>",
        company: { keys: { id: "c_1" }, name: '"Acme"', traits: { plan: "<pro>" } },
      }),
    );
    const res = await call("GET", "/", undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.text).toContain('http-equiv="refresh"');
    expect(res.text).not.toContain("<script>alert(1)</script>");
    expect(res.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(res.text).toContain("Ann &amp; &lt;b&gt;Co&lt;/b&gt;");
    expect(res.text).toContain("&quot;Acme&quot;");
    expect(res.text).toContain("identify");
    expect(res.text).not.toContain("api_pub_test");
  });

  it("GET / shows each company's plan (a picker) and usage when a catalog is loaded", async () => {
    const { call } = setup({
      catalog: {
        features: { queries: { type: "event", event: "query" } },
        plans: {
          free: { name: "Free", entitlements: { queries: { allocation: 3, period: "current_month" } } },
          pro: { name: "Pro", entitlements: { queries: "unlimited" } },
        },
        defaultPlan: "free",
      },
    });
    await call("POST", "/e", event("track", { event: "query", company: { id: "c<1>" }, quantity: 2 }));
    const page = (await call("GET", "/", undefined, { key: null })).text;
    expect(page).toContain('<select data-company="id:c&lt;1&gt;" aria-label="plan">');
    expect(page).toContain('<option value="free" selected>free</option><option value="pro">pro</option>');
    expect(page).toContain("<td>queries: 2 / 3 ✓</td>");
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
      { at: 5_000, method: "POST", path: "/companies", status: 200, clientVersion: "sdk@1.0.0" },
      { at: 6_000, method: "POST", path: "/companies", status: 400 },
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
