import { describe, expect, it } from "vitest";
import { event, setup } from "./helpers";

describe("bad input", () => {
  it.each([
    ["/companies", undefined, "{not json", /Malformed JSON/],
    ["/companies", undefined, "[1,2]", /must be a JSON object/],
    ["/companies", undefined, "", /must be a JSON object/],
    ["/companies", {}, undefined, /keys is required/],
    ["/companies", { keys: {} }, undefined, /keys must have at least one key/],
    ["/companies", { keys: "c_1" }, undefined, /keys must be an object/],
    ["/companies", { keys: { id: 42 } }, undefined, /keys\.id must be a non-empty string/],
    ["/companies", { keys: { id: "" } }, undefined, /keys\.id/],
    ["/companies", { keys: { id: "x".repeat(256) } }, undefined, /keys\.id is longer than 255/],
    [
      "/companies",
      { keys: { id: "c" }, traits: { plan: { nested: true } } },
      undefined,
      /traits\.plan must be/,
    ],
    ["/companies", { keys: { id: "c" }, traits: [1] }, undefined, /traits must be an object/],
    ["/companies", { keys: { id: "c" }, name: 7 }, undefined, /name must be a string/],
    [
      "/companies",
      { keys: { id: "c" }, last_seen_at: "yesterday" },
      undefined,
      /last_seen_at must be an ISO-8601/,
    ],
    ["/companies", { keys: { id: "c" }, update_only: "yes" }, undefined, /update_only must be a boolean/],
    ["/companies", JSON.parse('{"keys":{"__proto__":"x"}}'), undefined, /keys\.__proto__ is a reserved name/],
    ["/users", { keys: { id: "u" }, company: "c_1" }, undefined, /company must be an object/],
    ["/users", { keys: { id: "u" }, companies: [{ id: 1 }] }, undefined, /companies\[0\]\.id/],
    ["/batch", { events: {} }, undefined, /events must be an array/],
    ["/batch", { events: [{ type: "nope", body: {} }] }, undefined, /events\[0\]\.type must be one of/],
    [
      "/batch",
      { events: [{ type: "track", body: { event: "x", quantity: -1 } }] },
      undefined,
      /events\[0\]\.body\.quantity/,
    ],
    ["/flags/check", { company: "c" }, undefined, /company must be an object/],
  ])("POST %s %j %s → 400 %s, state unchanged", async (path, body, raw, message) => {
    const { call, store } = setup();
    await call("POST", "/users", { keys: { id: "seed" }, company: { id: "seed" } });
    const before = JSON.stringify({ c: store.companies(), u: store.users(), e: store.events() });
    const res = await call("POST", path, body, raw === undefined ? {} : { raw });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(JSON.stringify({ c: store.companies(), u: store.users(), e: store.events() })).toBe(before);
  });

  it("POST /e: an identify needs keys for a user or a company", async () => {
    const { call, store } = setup();
    const res = await call("POST", "/e", event("identify", { keys: {} }));
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/body\.keys must have at least one key, or body\.company/);
    const bad = await call(
      "POST",
      "/e",
      event("identify", { keys: { id: "u" }, company: { keys: { id: 5 } } }),
    );
    expect(bad.json.error).toMatch(/body\.company\.keys\.id/);
    expect(store.stats().events).toBe(0);
  });

  it("bodies over 1 MiB get 400 and change nothing", async () => {
    const { call, store } = setup();
    const big = { keys: { id: "c" }, traits: { blob: "x".repeat(1024 * 1024) } };
    const res = await call("POST", "/companies", big);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/larger than 1048576 bytes/);
    expect(store.companies()).toHaveLength(0);
    const limited = setup({ maxBodyBytes: 100 });
    expect((await limited.call("POST", "/companies", { keys: { id: "c" } })).status).toBe(200);
    expect((await limited.call("POST", "/companies", { keys: { id: "c".repeat(120) } })).status).toBe(400);
  });

  it("unknown routes get 404, known paths with the wrong method 405", async () => {
    const { call, store } = setup();
    const missing = await call("POST", "/nope", {});
    expect(missing.status).toBe(404);
    expect(missing.json.error).toContain("/nope");
    const wrongMethod = await call("GET", "/flags/check");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect((await call("PUT", "/companies", {})).status).toBe(405);
    expect(store.requests().map((r) => r.status)).toEqual([404, 405, 405]);
  });

  it("a trailing slash is the same route", async () => {
    const { call } = setup();
    expect((await call("POST", "/companies/", { keys: { id: "c" } })).status).toBe(200);
  });
});
