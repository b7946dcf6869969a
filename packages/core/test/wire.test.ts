import { describe, expect, it } from "vitest";
import {
  createEvent,
  fromWireCompany,
  fromWireFlagCheck,
  fromWireFlagsCheck,
  fromWireUser,
  toWireCompanyUpsert,
  toWireIdentifyBody,
  toWireTrackBody,
  toWireUserUpsert,
  uuid,
  type WireCompany,
  type WireUser,
} from "../src/index";

const key = (key: string, value: string, entity: "company" | "user") => ({
  id: `ek_${key}`,
  key,
  value,
  entity_type: entity,
  entity_id: entity === "company" ? "comp_1" : "user_1",
  definition_id: "ekd_1",
  environment_id: "env_1",
  created_at: "2030-01-01T00:00:00Z",
  updated_at: "2030-01-01T00:00:00Z",
});

describe("public → wire", () => {
  it("builds the identify body as given, omitted fields left out, key names untouched", () => {
    expect(
      toWireIdentifyBody({
        keys: { id: "u_1", stripeCustomerId: "cus_1" },
        company: { keys: { id: "c_1" }, traits: { seatCount: 5 } },
      }),
    ).toEqual({
      keys: { id: "u_1", stripeCustomerId: "cus_1" },
      company: { keys: { id: "c_1" }, traits: { seatCount: 5 } },
    });
    const body = toWireIdentifyBody({ keys: { id: "u" } });
    expect(Object.keys(body)).toEqual(["keys"]);
  });

  it("fills a track body from the context with defaults for traits and quantity", () => {
    expect(toWireTrackBody({ event: "query" }, { company: { id: "c" }, user: { id: "u" } })).toEqual({
      event: "query",
      traits: {},
      quantity: 1,
      company: { id: "c" },
      user: { id: "u" },
    });
    expect(
      toWireTrackBody({ event: "q", user: { id: "other" }, quantity: 0 }, { user: { id: "u" } }),
    ).toEqual({
      event: "q",
      traits: {},
      quantity: 0,
      user: { id: "other" },
    });
  });

  it("snake-cases upsert bodies", () => {
    expect(
      toWireCompanyUpsert({ keys: { id: "c" }, name: "Acme", lastSeenAt: new Date(0), updateOnly: true }),
    ).toEqual({
      keys: { id: "c" },
      name: "Acme",
      last_seen_at: "1970-01-01T00:00:00.000Z",
      update_only: true,
    });
    expect(toWireUserUpsert({ keys: { id: "u" }, company: { id: "c" }, companies: [{ id: "d" }] })).toEqual({
      keys: { id: "u" },
      company: { id: "c" },
      companies: [{ id: "d" }],
    });
  });
});

describe("wire → public", () => {
  it("camel-cases a company, flattening keys and parsing times", () => {
    const wire: WireCompany = {
      id: "comp_1",
      name: "Acme",
      environment_id: "env_1",
      created_at: "2030-01-01T00:00:00Z",
      updated_at: "2030-01-02T00:00:00Z",
      last_seen_at: null,
      user_count: 2,
      traits: { seats: 5 },
      keys: [key("id", "c_1", "company"), key("stripeCustomerId", "cus_1", "company")],
      plans: [],
    };
    expect(fromWireCompany(wire)).toEqual({
      id: "comp_1",
      name: "Acme",
      keys: { id: "c_1", stripeCustomerId: "cus_1" },
      traits: { seats: 5 },
      userCount: 2,
      environmentId: "env_1",
      createdAt: new Date("2030-01-01T00:00:00Z"),
      updatedAt: new Date("2030-01-02T00:00:00Z"),
      lastSeenAt: null,
    });
  });

  it("camel-cases a user with its memberships' company ids", () => {
    const wire: WireUser = {
      id: "user_1",
      name: "Ann",
      environment_id: "env_1",
      created_at: "2030-01-01T00:00:00Z",
      updated_at: "2030-01-01T00:00:00Z",
      last_seen_at: "2030-01-03T00:00:00Z",
      traits: {},
      keys: [key("id", "u_1", "user")],
      company_memberships: [
        {
          id: "cmem_1",
          company_id: "comp_1",
          user_id: "user_1",
          created_at: "2030-01-01T00:00:00Z",
          updated_at: "2030-01-01T00:00:00Z",
        },
      ],
    };
    const user = fromWireUser(wire);
    expect(user.keys).toEqual({ id: "u_1" });
    expect(user.companyIds).toEqual(["comp_1"]);
    expect(user.companyMemberships[0]).toMatchObject({ id: "cmem_1", companyId: "comp_1", userId: "user_1" });
    expect(user.lastSeenAt).toEqual(new Date("2030-01-03T00:00:00Z"));
  });

  it("reads flag checks, dropping nulls", () => {
    expect(
      fromWireFlagCheck({
        flag: "f",
        value: true,
        reason: "Matched",
        company_id: "comp_1",
        user_id: null,
        feature_usage: 3,
        feature_usage_reset_at: "2030-01-01T00:00:00Z",
      }),
    ).toEqual({
      flag: "f",
      value: true,
      reason: "Matched",
      companyId: "comp_1",
      featureUsage: 3,
      featureUsageResetAt: new Date("2030-01-01T00:00:00Z"),
    });
    expect(
      fromWireFlagsCheck({
        flags: [{ flag: "a", value: false }],
        plan: { id: "plan_1", name: "Pro", trial_status: "active", trial_end_date: null },
      }),
    ).toEqual({
      flags: [{ flag: "a", value: false, reason: "" }],
      plan: { id: "plan_1", name: "Pro", trialStatus: "active" },
    });
  });

  it("reads an entitlement's value type and marks usage exceeded from the rule type", () => {
    expect(
      fromWireFlagCheck({
        flag: "queries",
        value: false,
        reason: "3 of 3 queries used this month on Free",
        rule_type: "plan_entitlement_usage_exceeded",
        feature_allocation: 3,
        feature_usage: 3,
        feature_usage_event: "query",
        feature_usage_period: "current_month",
        feature_usage_reset_at: null,
        entitlement: { feature_key: "queries", value_type: "numeric", allocation: 3, usage: 3 },
      }),
    ).toEqual({
      flag: "queries",
      value: false,
      reason: "3 of 3 queries used this month on Free",
      ruleType: "plan_entitlement_usage_exceeded",
      valueType: "numeric",
      featureAllocation: 3,
      featureUsage: 3,
      featureUsageEvent: "query",
      featureUsagePeriod: "current_month",
      featureUsageExceeded: true,
    });
  });
});

describe("event envelopes", () => {
  it("builds an identify event exactly as WIRE.md shows", () => {
    const event = createEvent({
      apiKey: "api_pub_x",
      type: "identify",
      body: toWireIdentifyBody({ keys: { id: "u_1" }, company: { keys: { id: "c_1" } } }),
      trackerUserId: "anon-1",
    });
    expect(Object.keys(event).sort()).toEqual(
      ["api_key", "body", "sent_at", "tracker_event_id", "tracker_user_id", "type"].sort(),
    );
    expect(event).toMatchObject({
      api_key: "api_pub_x",
      type: "identify",
      body: { keys: { id: "u_1" }, company: { keys: { id: "c_1" } } },
      tracker_user_id: "anon-1",
    });
    expect(event.sent_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(event.tracker_event_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it("gives every event a fresh id and carries an idempotency key when asked", () => {
    const a = createEvent({ apiKey: "k", type: "track", body: { event: "q", traits: {}, quantity: 1 } });
    const b = createEvent({
      apiKey: "k",
      type: "track",
      body: { event: "q", traits: {}, quantity: 1 },
      idempotencyKey: "i",
    });
    expect(a.tracker_event_id).not.toBe(b.tracker_event_id);
    expect(b.idempotency_key).toBe("i");
    expect("idempotency_key" in a).toBe(false);
  });

  it("makes v4 UUIDs without randomUUID (insecure contexts)", () => {
    const original = globalThis.crypto.randomUUID;
    Object.defineProperty(globalThis.crypto, "randomUUID", { value: undefined, configurable: true });
    try {
      const ids = new Set(Array.from({ length: 100 }, uuid));
      expect(ids.size).toBe(100);
      for (const id of ids)
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      Object.defineProperty(globalThis.crypto, "randomUUID", { value: original, configurable: true });
    }
  });
});
