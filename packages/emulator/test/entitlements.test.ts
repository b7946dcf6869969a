import { describe, expect, it } from "vitest";
import type { Catalog } from "../src/index";
import { event, PUBLISHABLE, SECRET, setup } from "./helpers";

const catalog: Catalog = {
  features: {
    queries: { type: "event", event: "query" },
    exports: { type: "boolean" },
    seats: { type: "trait", trait: "seats_used" },
    reports: { type: "event", event: "report" },
  },
  plans: {
    free: {
      name: "Free",
      entitlements: { queries: { allocation: 3, period: "current_month" }, seats: { allocation: 3 } },
    },
    pro: {
      name: "Pro",
      entitlements: {
        queries: "unlimited",
        exports: true,
        seats: { allocation: 25 },
        reports: { allocation: 2, period: "current_week" },
      },
    },
  },
  defaultPlan: "free",
  planTrait: "plan",
  companies: { "stripe:cus_vip": { plan: "pro", overrides: { exports: false } } },
};

/** An emulator on a clock the test moves. */
function world(start = Date.UTC(2030, 0, 15, 12)) {
  const clock = { now: start };
  const { call, store } = setup({ catalog, now: () => clock.now });
  const check = async (flag: string, company: Record<string, string> = { id: "acme" }) =>
    (await call("POST", `/flags/${flag}/check`, { company }, { key: PUBLISHABLE })).json.data;
  const company = (traits: Record<string, unknown> = {}, keys: Record<string, string> = { id: "acme" }) =>
    call("POST", "/companies", { keys, traits });
  const track = (name: string, quantity = 1, extra: Record<string, unknown> = {}) =>
    call("POST", "/e", event("track", { event: name, company: { id: "acme" }, quantity }, extra));
  return { clock, call, store, check, company, track };
}

describe("flag checks from the catalog", () => {
  it("a metered feature counts tracked quantities against the plan's allocation", async () => {
    const w = world();
    await w.company();
    expect(await w.check("queries")).toMatchObject({
      flag: "queries",
      value: true,
      rule_type: "plan_entitlement",
      reason: "0 of 3 queries used this month on Free",
      feature_allocation: 3,
      feature_usage: 0,
      feature_usage_event: "query",
      feature_usage_period: "current_month",
      feature_usage_reset_at: "2030-02-01T00:00:00.000Z",
      feature_usage_exceeded: false,
      entitlement: {
        feature_key: "queries",
        value_type: "numeric",
        allocation: 3,
        usage: 0,
        event_name: "query",
        metric_period: "current_month",
        metric_reset_at: "2030-02-01T00:00:00.000Z",
      },
    });
    await w.track("query", 2);
    expect(await w.check("queries")).toMatchObject({ value: true, feature_usage: 2 });
    await w.track("query", 1);
    expect(await w.check("queries")).toMatchObject({
      value: false,
      rule_type: "plan_entitlement_usage_exceeded",
      reason: "3 of 3 queries used this month on Free",
      feature_usage: 3,
      feature_usage_exceeded: true,
    });
  });

  it("usage sent through /batch counts the same, and a duplicate tracker_event_id or idempotency_key counts once", async () => {
    const w = world();
    const sent = event("track", { event: "query", company: { id: "acme" }, quantity: 1 });
    await w.track("query", 1, { tracker_event_id: sent.tracker_event_id });
    await w.call("POST", "/e", sent);
    const batch = {
      type: "track",
      body: { event: "query", company: { id: "acme" }, quantity: 1 },
      idempotency_key: "i-1",
    };
    await w.call("POST", "/batch", { events: [batch, batch] }, { key: SECRET });
    await w.call("POST", "/batch", { events: [batch] }, { key: SECRET });
    expect((await w.check("queries")).feature_usage).toBe(2);
    expect(w.store.stats().duplicates).toBe(3);
  });

  it("a quantity-less track counts 1, other companies' and other events' usage does not count", async () => {
    const w = world();
    await w.call("POST", "/e", event("track", { event: "query", company: { id: "acme" } }));
    await w.call("POST", "/e", event("track", { event: "query", company: { id: "other" }, quantity: 5 }));
    await w.track("search", 5);
    expect((await w.check("queries")).feature_usage).toBe(1);
  });

  it.each([
    [
      "current_month",
      Date.UTC(2030, 0, 31, 23, 59, 59, 999),
      Date.UTC(2030, 1, 1),
      "2030-02-01T00:00:00.000Z",
      "2030-03-01T00:00:00.000Z",
    ],
    // 2030-01-13 is a Sunday: the week starts on Monday the 14th, UTC
    [
      "current_week",
      Date.UTC(2030, 0, 13, 23, 59, 59, 999),
      Date.UTC(2030, 0, 14),
      "2030-01-14T00:00:00.000Z",
      "2030-01-21T00:00:00.000Z",
    ],
    [
      "current_day",
      Date.UTC(2030, 0, 15, 23, 59, 59, 999),
      Date.UTC(2030, 0, 16),
      "2030-01-16T00:00:00.000Z",
      "2030-01-17T00:00:00.000Z",
    ],
  ] as const)(
    "%s usage resets at the period's end (UTC)",
    async (period, before, after, resetBefore, resetAfter) => {
      const { call, check, clock } = worldWith(period, before);
      await call("POST", "/e", event("track", { event: "query", company: { id: "acme" }, quantity: 2 }));
      expect(await check()).toMatchObject({
        feature_usage: 2,
        feature_usage_reset_at: resetBefore,
        feature_usage_period: period,
      });
      clock.now = after;
      expect(await check()).toMatchObject({
        feature_usage: 0,
        value: true,
        feature_usage_reset_at: resetAfter,
      });
      await call("POST", "/e", event("track", { event: "query", company: { id: "acme" }, quantity: 1 }));
      expect((await check()).feature_usage).toBe(1);
    },
  );

  it("all_time usage never resets and has no reset time", async () => {
    const { call, check, clock } = worldWith("all_time", Date.UTC(2030, 0, 1));
    await call("POST", "/e", event("track", { event: "query", company: { id: "acme" }, quantity: 2 }));
    clock.now = Date.UTC(2031, 5, 1);
    expect(await check()).toMatchObject({
      feature_usage: 2,
      feature_usage_period: "all_time",
      feature_usage_reset_at: null,
    });
    expect((await check()).reason).toBe("2 of 3 queries used in total on Free");
  });

  it("the plan comes from the company's plan trait, unlimited and boolean entitlements answer with their value types", async () => {
    const w = world();
    await w.company({ plan: "pro" });
    await w.track("query", 50);
    expect(await w.check("queries")).toMatchObject({
      value: true,
      rule_type: "plan_entitlement",
      reason: "Unlimited queries on Pro",
      feature_allocation: null,
      feature_usage: 50,
      entitlement: { value_type: "unlimited", allocation: null, usage: 50 },
    });
    expect(await w.check("exports")).toMatchObject({
      value: true,
      reason: "Included in Pro",
      rule_type: "plan_entitlement",
      feature_usage: null,
      entitlement: { value_type: "boolean", event_name: null },
    });
  });

  it("a feature the plan does not entitle answers false with rule_type default", async () => {
    const w = world();
    await w.company();
    expect(await w.check("exports")).toMatchObject({
      value: false,
      rule_type: "default",
      reason: "Not included in Free",
      feature_allocation: null,
      entitlement: null,
    });
    expect(await w.check("exports", {})).toMatchObject({ value: false, reason: "No company in the context" });
  });

  it("a trait-based limit reads the company's trait as its usage", async () => {
    const w = world();
    await w.company({ seats_used: 2 });
    expect(await w.check("seats")).toMatchObject({
      value: true,
      reason: "2 of 3 seats used on Free",
      feature_usage: 2,
      feature_allocation: 3,
      feature_usage_period: null,
      feature_usage_event: null,
      entitlement: { value_type: "trait" },
    });
    await w.company({ seats_used: 3 });
    expect(await w.check("seats")).toMatchObject({
      value: false,
      rule_type: "plan_entitlement_usage_exceeded",
      feature_usage: 3,
    });
    await w.company({ plan: "pro" });
    expect(await w.check("seats")).toMatchObject({ value: true, reason: "3 of 25 seats used on Pro" });
  });

  it("the catalog's companies entry (by any key) beats the plan trait, and its overrides beat the plan", async () => {
    const w = world();
    await w.company({ plan: "free" }, { id: "acme", stripe: "cus_vip" });
    expect(await w.check("queries")).toMatchObject({ reason: "Unlimited queries on Pro" });
    expect(await w.check("exports")).toMatchObject({
      value: false,
      rule_type: "company_override",
      reason: "Overridden for this company (off)",
    });
    // an unknown company named by the key is placed the same way
    expect(await w.check("queries", { stripe: "cus_vip" })).toMatchObject({
      reason: "Unlimited queries on Pro",
    });
  });

  it("bulk checks answer every feature and the company's plan, then the flags file's flags", async () => {
    const { call } = setup({ catalog, flags: { flags: { beta: true, exports: true } } });
    await call("POST", "/companies", { keys: { id: "acme" }, traits: { plan: "pro" } });
    const res = await call("POST", "/flags/check", { company: { id: "acme" } }, { key: PUBLISHABLE });
    expect(res.json.data.plan).toEqual({ id: "pro", name: "Pro", trial_status: null, trial_end_date: null });
    expect(res.json.data.flags.map((f: { flag: string }) => f.flag)).toEqual([
      "queries",
      "exports",
      "seats",
      "reports",
      "beta",
    ]);
    const none = await call("POST", "/flags/check", {}, { key: PUBLISHABLE });
    expect(none.json.data.plan).toBeNull();
  });
});

function worldWith(period: "all_time" | "current_month" | "current_week" | "current_day", start: number) {
  const clock = { now: start };
  const { call } = setup({
    catalog: {
      features: { queries: { type: "event", event: "query" } },
      plans: { free: { name: "Free", entitlements: { queries: { allocation: 3, period } } } },
      defaultPlan: "free",
    },
    now: () => clock.now,
  });
  const check = async () =>
    (await call("POST", "/flags/queries/check", { company: { id: "acme" } }, { key: PUBLISHABLE })).json.data;
  return { call, check, clock };
}
