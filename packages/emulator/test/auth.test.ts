import { describe, expect, it } from "vitest";
import { event, PUBLISHABLE, SECRET, setup } from "./helpers";

describe("API keys", () => {
  it.each([
    ["POST", "/companies", { keys: { id: "c" } }],
    ["POST", "/users", { keys: { id: "u" } }],
  ])("%s %s takes only a secret key in X-Schematic-Api-Key", async (method, path, body) => {
    const { call, store } = setup();
    for (const key of [null, "", PUBLISHABLE, "nonsense", "sch_"]) {
      const res = await call(method, path, body, { key });
      expect(res.status, String(key)).toBe(401);
      expect(typeof res.json.error).toBe("string");
      if (key) expect(res.json.error).not.toContain(key === "sch_" ? "sch_x" : key);
    }
    expect((await call(method, path, body, { key: SECRET })).status).toBe(200);
    expect(store.stats().statuses["401"]).toBe(5);
  });

  it("a publishable key is refused with a message that says what is needed", async () => {
    const { call } = setup();
    const res = await call("POST", "/companies", { keys: { id: "c" } }, { key: PUBLISHABLE });
    expect(res.json.error).toMatch(/secret key \(sch_…\)/);
  });

  it("POST /e takes the key from the body: publishable or secret", async () => {
    const { call, store } = setup();
    const track = (api_key: unknown) => ({ ...event("track", { event: "x" }), api_key });
    expect((await call("POST", "/e", track(PUBLISHABLE), { key: null })).status).toBe(200);
    expect((await call("POST", "/e", track(SECRET), { key: null })).status).toBe(200);
    expect((await call("POST", "/e", track(undefined), { key: null })).status).toBe(401);
    expect((await call("POST", "/e", track("bad"), { key: PUBLISHABLE })).status).toBe(401);
    expect(store.events()).toHaveLength(2);
  });

  it("POST /batch takes either kind of key in the header (servers and browsers batch)", async () => {
    const { call, store } = setup();
    for (const key of [PUBLISHABLE, SECRET]) {
      expect(
        (await call("POST", "/batch", { events: [event("track", { event: "x" })] }, { key })).status,
      ).toBe(200);
    }
    for (const key of [null, "", "nonsense", "sch_"]) {
      expect(
        (await call("POST", "/batch", { events: [event("track", { event: "x" })] }, { key })).status,
      ).toBe(401);
    }
    expect(store.events()).toHaveLength(2);
  });

  it("flag routes take either kind of key in the header", async () => {
    const { call } = setup();
    for (const key of [PUBLISHABLE, SECRET]) {
      expect((await call("POST", "/flags/x/check", {}, { key })).status).toBe(200);
      expect((await call("POST", "/flags/check", {}, { key })).status).toBe(200);
    }
    expect((await call("POST", "/flags/x/check", {}, { key: null })).status).toBe(401);
  });
});
