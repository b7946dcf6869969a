import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CatalogError, createEmulator, parseCatalog } from "../src/index";

const base = {
  features: {
    queries: { type: "event", event: "query" },
    sso: { type: "boolean" },
    seats: { type: "trait", trait: "seats_used" },
  },
  plans: { free: { name: "Free", entitlements: { queries: { allocation: 3, period: "current_month" } } } },
};

describe("catalog", () => {
  it("the example catalog of the repository is valid", () => {
    const text = readFileSync(new URL("../../../examples/catalog.json", import.meta.url), "utf8");
    const catalog = parseCatalog(JSON.parse(text));
    expect(Object.keys(catalog.features)).toEqual(["queries", "exports", "seats"]);
    expect(catalog.defaultPlan).toBe("free");
  });

  it.each([
    [
      { plans: { free: { entitlements: { queries: { allocation: 3, period: "monthly" } } } } },
      'plans.free.entitlements.queries.period: must be one of all_time, current_month, current_week, current_day; got "monthly"',
    ],
    [
      { features: { x: { type: "metered" } } },
      'features.x.type: must be one of boolean, event, trait; got "metered"',
    ],
    [{ features: { x: { type: "event" } } }, "features.x.event: must be a non-empty string"],
    [
      { plans: { free: { entitlements: { nope: true } } } },
      "plans.free.entitlements.nope: is not a feature; declare it in features",
    ],
    [
      { plans: { free: { entitlements: { sso: "unlimited" } } } },
      'plans.free.entitlements.sso: must be true or false (a boolean feature); got "unlimited"',
    ],
    [
      { plans: { free: { entitlements: { queries: { allocation: -1 } } } } },
      "plans.free.entitlements.queries.allocation: must be a non-negative number; got -1",
    ],
    [
      { plans: { free: { entitlements: { seats: { allocation: 5, period: "current_day" } } } } },
      "plans.free.entitlements.seats.period: a trait-based limit has no period; remove it",
    ],
    [
      { plans: { free: { entitlements: { queries: { allocation: 3, every: "month" } } } } },
      "plans.free.entitlements.queries.every: is not a known field; remove it",
    ],
    [{ defaultPlan: "gold" }, 'defaultPlan: must be one of the plans (free); got "gold"'],
    [
      { companies: { acme: { plan: "free" } } },
      'companies.acme: must be named "keyName:value", like "id:acme"',
    ],
    [
      { companies: { "id:acme": { plan: "pro" } } },
      'companies.id:acme.plan: must be one of the plans (free); got "pro"',
    ],
    [
      { companies: { "id:acme": { overrides: { sso: 3 } } } },
      "companies.id:acme.overrides.sso: must be true or false (a boolean feature); got 3",
    ],
    [{ plan: {} }, "plan: is not a catalog field"],
  ])("refuses %j naming the field and what to write", (change, message) => {
    const catalog = { ...base, ...change, plans: { ...base.plans, ...(change as { plans?: object }).plans } };
    let error: unknown;
    try {
      createEmulator({ catalog: catalog as never });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as Error).message).toContain(message);
  });

  it("a numeric allocation of an event feature without a period counts all time", () => {
    const catalog = parseCatalog({
      ...base,
      plans: { free: { name: "Free", entitlements: { queries: { allocation: 3 } } } },
    });
    expect(catalog.plans.free?.entitlements?.queries).toEqual({ allocation: 3, period: "all_time" });
  });

  it("createEmulator refuses unknown options with the closest name", () => {
    expect(() => createEmulator({ catalogue: base } as never)).toThrow(
      /unknown option "catalogue" — did you mean "catalog"\?/,
    );
    expect(() => createEmulator({ failrate: 0.5 } as never)).toThrow(/did you mean "failRate"/);
    expect(() => createEmulator({ apiUrl: "x" } as never)).toThrow(
      /"apiUrl" is an option of the msw handlers: import \{ createEmulator \} from "@schematic-sdk\/emulator\/msw"/,
    );
  });
});
