import { describe, expect, it } from "vitest";
import { event, setup } from "./helpers";

describe("CORS", () => {
  it("answers the preflight for the SDK's headers and JSON content type", async () => {
    const { emulator, store } = setup();
    const res = await emulator.fetch("http://emulator.test/flags/x/check", {
      method: "OPTIONS",
      headers: {
        origin: "http://127.0.0.1:5173",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-schematic-api-key,x-schematic-client-version",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:5173");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    const allowed = res.headers.get("access-control-allow-headers")?.toLowerCase() ?? "";
    for (const header of ["content-type", "x-schematic-api-key", "x-schematic-client-version"]) {
      expect(allowed).toContain(header);
    }
    expect(store.stats().requests).toBe(0);
  });

  it("a preflight without requested headers still allows the SDK's", async () => {
    const { emulator } = setup();
    const res = await emulator.fetch("http://emulator.test/e", {
      method: "OPTIONS",
      headers: { origin: "http://localhost:4000" },
    });
    expect(res.headers.get("access-control-allow-headers")).toMatch(/X-Schematic-Api-Key/);
    expect(res.headers.get("access-control-allow-headers")).toMatch(/X-Schematic-Client-Version/);
  });

  it("every answer, errors included, carries the CORS headers and exposes Retry-After", async () => {
    const { call } = setup();
    const origin = { origin: "http://localhost:3000" };
    const ok = await call("POST", "/e", event("track", { event: "x" }), { headers: origin });
    const bad = await call("POST", "/companies", {}, { headers: origin });
    for (const res of [ok, bad]) {
      expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
      expect(res.headers.get("access-control-expose-headers")).toContain("Retry-After");
    }
    expect(bad.status).toBe(400);
  });

  it("the inspector's page and state are readable by the page itself only, not by another local app", async () => {
    const { call } = setup();
    for (const path of ["/", "/inspector/state"]) {
      const res = await call("GET", path, undefined, { headers: { origin: "http://localhost:5173" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});
