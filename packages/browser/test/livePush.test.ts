/** Merging a live push into known checks and plan: per flag, and "changed" only on a real change. */
import type { FlagCheck, WireFlagCheck } from "@schematic-sdk/core";
import { describe, expect, it } from "vitest";
import { mergeLivePush } from "../src/livePush";

const queries: WireFlagCheck = {
  flag: "queries",
  value: true,
  reason: "Matched plan entitlement rule",
  rule_type: "plan_entitlement",
  feature_allocation: 10,
  feature_usage: 3,
  feature_usage_event: "query",
  feature_usage_period: "current_month",
  feature_usage_reset_at: "2030-02-01T00:00:00.000Z",
  entitlement: { feature_key: "queries", value_type: "numeric" },
};
const sso: WireFlagCheck = { flag: "sso", value: false, reason: "No rule", rule_type: "default" };
const pro = { id: "plan_pro", name: "Pro", trial_status: null, trial_end_date: "2030-03-01T00:00:00.000Z" };

describe("mergeLivePush", () => {
  it("converts the push to checks and plan", () => {
    const next = mergeLivePush({ checks: {}, plan: undefined, push: { flags: [queries, sso], plan: pro } });
    expect(next.changed).toBe(true);
    expect(next.checks.queries).toEqual({
      flag: "queries",
      value: true,
      reason: "Matched plan entitlement rule",
      ruleType: "plan_entitlement",
      valueType: "numeric",
      featureAllocation: 10,
      featureUsage: 3,
      featureUsageEvent: "query",
      featureUsagePeriod: "current_month",
      featureUsageResetAt: new Date("2030-02-01T00:00:00.000Z"),
    });
    expect(next.checks.sso).toEqual({ flag: "sso", value: false, reason: "No rule", ruleType: "default" });
    expect(next.plan).toEqual({
      id: "plan_pro",
      name: "Pro",
      trialEndDate: new Date("2030-03-01T00:00:00.000Z"),
    });
  });

  it("reports no change, and keeps the very same objects, when the push says what is known", () => {
    const first = mergeLivePush({ checks: {}, plan: undefined, push: { flags: [queries, sso], plan: pro } });
    // The same content in another key order, with its dates as new objects.
    const again = mergeLivePush({
      checks: first.checks,
      plan: first.plan,
      push: { flags: [{ ...sso }, JSON.parse(JSON.stringify(queries))], plan: { ...pro } },
    });
    expect(again.changed).toBe(false);
    expect(again.checks).toBe(first.checks);
    expect(again.plan).toBe(first.plan);
  });

  it("a check given with its fields in another order is the same check", () => {
    const known: Record<string, FlagCheck> = {
      sso: { ruleType: "default", reason: "No rule", value: false, flag: "sso" },
    };
    const next = mergeLivePush({ checks: known, plan: undefined, push: { flags: [sso] } });
    expect(next.changed).toBe(false);
    expect(next.checks).toBe(known);
  });

  it("applies per flag: a flag left out keeps its value, a changed one gets a new object", () => {
    const first = mergeLivePush({ checks: {}, plan: undefined, push: { flags: [queries, sso] } });
    const next = mergeLivePush({
      checks: first.checks,
      plan: undefined,
      push: {
        flags: [
          { ...queries, feature_usage: 10, value: false, rule_type: "plan_entitlement_usage_exceeded" },
        ],
      },
    });
    expect(next.changed).toBe(true);
    expect(next.checks).not.toBe(first.checks);
    expect(next.checks.sso).toBe(first.checks.sso);
    expect(next.checks.queries).toMatchObject({ value: false, featureUsage: 10, featureUsageExceeded: true });
    expect(first.checks.queries?.featureUsage).toBe(3);
  });

  it("a date that moved is a change", () => {
    const first = mergeLivePush({ checks: {}, plan: undefined, push: { flags: [queries] } });
    const next = mergeLivePush({
      checks: first.checks,
      plan: undefined,
      push: { flags: [{ ...queries, feature_usage_reset_at: "2030-03-01T00:00:00.000Z" }] },
    });
    expect(next.changed).toBe(true);
    expect(next.checks.queries?.featureUsageResetAt).toEqual(new Date("2030-03-01T00:00:00.000Z"));
  });

  it("plan: absent keeps it, null clears it, another plan replaces it", () => {
    const plan = { id: "plan_pro", name: "Pro" };
    expect(mergeLivePush({ checks: {}, plan, push: { flags: [] } })).toEqual({
      checks: {},
      plan,
      changed: false,
    });
    expect(mergeLivePush({ checks: {}, plan, push: { flags: [], plan: null } })).toEqual({
      checks: {},
      plan: undefined,
      changed: true,
    });
    expect(
      mergeLivePush({ checks: {}, plan, push: { flags: [], plan: { id: "plan_free", name: "Free" } } }),
    ).toEqual({ checks: {}, plan: { id: "plan_free", name: "Free" }, changed: true });
    expect(mergeLivePush({ checks: {}, plan: undefined, push: { flags: [], plan: null } }).changed).toBe(
      false,
    );
  });

  it("compares what is shown: the server's check after `adjust`", () => {
    // Two queries tracked here and not delivered yet: the server says 3, the page shows 5.
    const adjust = (check: FlagCheck): FlagCheck =>
      check.featureUsageEvent === "query" ? { ...check, featureUsage: (check.featureUsage ?? 0) + 2 } : check;
    const shown = mergeLivePush({ checks: {}, plan: undefined, push: { flags: [queries] }, adjust });
    expect(shown.checks.queries?.featureUsage).toBe(5);
    const again = mergeLivePush({
      checks: shown.checks,
      plan: undefined,
      push: { flags: [queries] },
      adjust,
    });
    expect(again.changed).toBe(false);
    expect(again.checks).toBe(shown.checks);
  });

  it("skips entries that are not flag checks", () => {
    const push = {
      flags: [null, 3, { value: true }, sso] as unknown as WireFlagCheck[],
      plan: "pro" as never,
    };
    const next = mergeLivePush({ checks: {}, plan: undefined, push });
    expect(Object.keys(next.checks)).toEqual(["sso"]);
    expect(next.plan).toBeUndefined();
  });
});
