/**
 * checkEntitlement and the flag cache: whole checks cached, checkFlag their
 * boolean view, pluggable providers that may fail, offline and flagDefaults.
 */
import { HttpResponse, http } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type FlagCacheProvider, type FlagCheck, SchematicValidationError } from "../src/index";
import { API, batchRecorder, client, server, silentLogger } from "./helpers";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const wireCheck = {
  flag: "queries",
  value: true,
  reason: "Matched plan entitlement rule",
  company_id: "comp_1",
  user_id: null,
  flag_id: "flag_1",
  rule_id: "rule_1",
  rule_type: "plan_entitlement",
  feature_allocation: 10,
  feature_usage: 3,
  feature_usage_event: "query",
  feature_usage_period: "current_month",
  feature_usage_reset_at: "2030-01-01T00:00:00Z",
  entitlement: { feature_key: "queries", value_type: "numeric" },
};

function flagServer(answer: () => Response = () => HttpResponse.json({ data: wireCheck, params: {} })) {
  const seen: unknown[] = [];
  server.use(
    http.post(`${API}/flags/:flag/check`, async ({ request }) => {
      seen.push(await request.json());
      return answer();
    }),
  );
  return seen;
}

const expected: FlagCheck = {
  flag: "queries",
  value: true,
  reason: "Matched plan entitlement rule",
  companyId: "comp_1",
  flagId: "flag_1",
  ruleId: "rule_1",
  ruleType: "plan_entitlement",
  valueType: "numeric",
  featureAllocation: 10,
  featureUsage: 3,
  featureUsageEvent: "query",
  featureUsagePeriod: "current_month",
  featureUsageResetAt: new Date("2030-01-01T00:00:00Z"),
};

describe("checkEntitlement", () => {
  it("answers the whole check, camel-cased with its date; checkFlag reads the same cached check", async () => {
    const seen = flagServer();
    const schematic = client();
    const check = await schematic.checkEntitlement("queries", { company: { id: "acme" } });
    expect(check).toEqual(expected);
    expect(await schematic.checkFlag("queries", { company: { id: "acme" } })).toBe(true);
    expect(seen).toEqual([{ company: { id: "acme" } }]);
    // What the cache holds cannot be changed through an answer.
    expect(Object.isFrozen(check)).toBe(true);
  });

  it("answers { flag, value: fallback, reason: 'fallback' } on failure, and flagDefaults when no fallback is given", async () => {
    flagServer(() => HttpResponse.json({ error: "down" }, { status: 500 }));
    const schematic = client({ flagDefaults: { queries: true } });
    expect(await schematic.checkEntitlement("queries", {}, { fallback: false })).toEqual({
      flag: "queries",
      value: false,
      reason: "fallback",
    });
    expect(await schematic.checkEntitlement("queries", {})).toEqual({
      flag: "queries",
      value: true,
      reason: "fallback",
    });
    expect(await schematic.checkFlag("other", {})).toBe(false);
  });

  it("refuses a bad context with a rejection, never a synchronous throw", async () => {
    const schematic = client();
    const pending = schematic.checkEntitlement("queries", { company: { id: 42 } } as never);
    await expect(pending).rejects.toThrow(SchematicValidationError);
    await expect(schematic.checkFlag("queries", { user: "u" } as never)).rejects.toThrow(/user/);
  });

  it('logs "Flag not found" once per flag', async () => {
    flagServer(() =>
      HttpResponse.json({ data: { flag: "typo", value: false, reason: "Flag not found" }, params: {} }),
    );
    const logger = { ...silentLogger(), warn: vi.fn() };
    const schematic = client({ logger, flagCacheTtl: 0 });
    await schematic.checkFlag("typo", {});
    await schematic.checkFlag("typo", {});
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]!.join(" ")).toMatch(/flag "typo" does not exist.*spelled/);
  });
});

describe("flag cache providers", () => {
  function mapProvider() {
    const map = new Map<string, { check: FlagCheck; ttl: number }>();
    const provider: FlagCacheProvider = {
      get: vi.fn(async (key: string) => map.get(key)?.check),
      set: vi.fn(async (key: string, check: FlagCheck, ttl: number) => {
        map.set(key, { check, ttl });
      }),
    };
    return { map, provider };
  }

  it("reads before asking and writes whole checks with the TTL, under one key whatever the key order", async () => {
    const seen = flagServer();
    const { map, provider } = mapProvider();
    const schematic = client({ flagCache: provider, flagCacheTtl: 1234 });
    await schematic.checkEntitlement("queries", { company: { id: "acme", plan: "x" }, user: { id: "u" } });
    await schematic.close();
    expect([...map.values()]).toEqual([{ check: expected, ttl: 1234 }]);
    const other = client({ flagCache: provider });
    expect(await other.checkFlag("queries", { user: { id: "u" }, company: { plan: "x", id: "acme" } })).toBe(
      true,
    );
    expect(seen).toHaveLength(1);
  });

  it("a provider that fails or hangs means asking the API, logged once", async () => {
    vi.useFakeTimers();
    const seen = flagServer();
    const logger = { ...silentLogger(), warn: vi.fn() };
    const failing: FlagCacheProvider = {
      get: () => Promise.reject(new Error("ECONNREFUSED")),
      set: () => Promise.reject(new Error("ECONNREFUSED")),
    };
    const schematic = client({ flagCache: failing, logger });
    expect(await schematic.checkFlag("queries", { company: { id: "a" } })).toBe(true);
    expect(await schematic.checkFlag("queries", { company: { id: "b" } })).toBe(true);
    expect(seen).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0]!.join(" ")).toContain("flag cache failed");

    const hanging: FlagCacheProvider = { get: () => new Promise(() => {}), set: () => new Promise(() => {}) };
    const pending = client({ flagCache: hanging, flagTimeout: 300 }).checkFlag("queries", {});
    await vi.advanceTimersByTimeAsync(300);
    expect(await pending).toBe(true);
  });
});

describe("offline", () => {
  it("sends nothing: flags answer flagDefaults, events are counted and dropped as offline", async () => {
    // No handler: any request would fail the test (onUnhandledRequest: "error").
    const batches = batchRecorder();
    const schematic = client({ offline: true, flagDefaults: { beta: true } });
    expect(await schematic.checkFlag("beta", { company: { id: "c" } })).toBe(true);
    expect(await schematic.checkEntitlement("other", {}, { fallback: false })).toEqual({
      flag: "other",
      value: false,
      reason: "offline",
    });
    schematic.track({ event: "e" });
    schematic.identify({ keys: { id: "u" } });
    await schematic.close();
    expect(batches).toHaveLength(0);
    expect(schematic.stats).toMatchObject({ pending: 0, dropped: 2, droppedBy: { offline: 2 }, requests: 0 });
  });
});
