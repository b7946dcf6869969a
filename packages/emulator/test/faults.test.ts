import { describe, expect, it } from "vitest";
import { setup } from "./helpers";

describe("fault injection", () => {
  it("fail-rate answers 503 before touching state, and counts it", async () => {
    const { call, store, emulator } = setup({ failRate: 1 });
    const res = await call("POST", "/companies", { keys: { id: "c" } });
    expect(res.status).toBe(503);
    expect(res.json.error).toMatch(/Injected fault/);
    expect(store.companies()).toHaveLength(0);
    expect(store.stats().faults).toEqual({ failed: 1, rateLimited: 0 });
    expect(store.requests()[0]).toMatchObject({ path: "/companies", status: 503, fault: "fail" });
    // inspection routes are never faulted
    expect((await call("GET", "/companies")).status).toBe(200);
    emulator.setFaults({ failRate: 0 });
    expect((await call("POST", "/companies", { keys: { id: "c" } })).status).toBe(200);
  });

  it("fail-rate hits about that share of requests", async () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const { call, store } = setup({ failRate: 0.2, random });
    for (let i = 0; i < 1000; i++) await call("POST", "/companies", { keys: { id: `c${i}` } });
    const failed = store.stats().faults.failed;
    expect(failed).toBeGreaterThan(150);
    expect(failed).toBeLessThan(250);
    expect(store.companies()).toHaveLength(1000 - failed);
  });

  it("rate-limit answers 429 with Retry-After once the second's budget is spent", async () => {
    let now = 1_000_000;
    const { call, store } = setup({ rateLimit: 5, now: () => now });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await call("POST", "/flags/check", {})).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const limited = await call("POST", "/flags/check", {});
    expect(limited.headers.get("retry-after")).toBe("1");
    expect(limited.json.error).toMatch(/Rate limit/);
    now += 1000;
    expect((await call("POST", "/flags/check", {})).status).toBe(200);
    expect(store.stats().faults.rateLimited).toBe(4);
    expect(store.requests({ path: "/flags/check" }).filter((r) => r.fault === "rate-limit")[0]).toMatchObject(
      {
        status: 429,
        retryAfter: 1,
      },
    );
  });

  it("latency delays answers", async () => {
    const { call } = setup({ latency: 60 });
    const started = performance.now();
    await call("POST", "/flags/check", {});
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it("refuses out-of-range settings", () => {
    expect(() => setup({ failRate: 2 })).toThrow(RangeError);
    expect(() => setup({ latency: -1 })).toThrow(RangeError);
    expect(() => setup().emulator.setFaults({ rateLimit: Number.NaN })).toThrow(RangeError);
  });
});
