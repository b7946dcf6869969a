import { describe, expect, it } from "vitest";
import type { Catalog, StoreChange } from "../src/index";
import { PUBLISHABLE, SECRET, setup } from "./helpers";

const catalog: Catalog = {
  features: { queries: { type: "event", event: "query" }, exports: { type: "boolean" } },
  plans: {
    free: { name: "Free", entitlements: { queries: { allocation: 3, period: "current_month" } } },
    pro: { name: "Pro", entitlements: { queries: "unlimited", exports: true } },
  },
  defaultPlan: "free",
  planTrait: "plan",
};

async function world() {
  const { call, store } = setup({ catalog });
  await call("POST", "/companies", { keys: { id: "acme" }, traits: { plan: "free" } });
  const changes: StoreChange[] = [];
  store.onChange((change) => changes.push(change));
  const check = async (flag: string) =>
    (await call("POST", `/flags/${flag}/check`, { company: { id: "acme" } }, { key: PUBLISHABLE })).json.data;
  return { call, store, check, changes };
}

describe("admin routes", () => {
  it("PUT …/plan moves a company to a plan, beating its plan trait; DELETE returns it to the catalog's choice", async () => {
    const w = await world();
    const res = await w.call("PUT", "/admin/companies/id:acme/plan", { plan: "pro" });
    expect(res.status).toBe(200);
    expect(res.json.data.plan).toMatchObject({ id: "pro", name: "Pro" });
    expect(res.json.data.company.keys[0]).toMatchObject({ key: "id", value: "acme" });
    expect(await w.check("exports")).toMatchObject({ value: true, reason: "Included in Pro" });
    expect(w.changes).toEqual([{ kind: "plan", companyId: res.json.data.company.id }]);
    await w.call("DELETE", "/admin/companies/id:acme/plan");
    expect(await w.check("exports")).toMatchObject({ value: false, reason: "Not included in Free" });
  });

  it("PUT …/overrides/{feature} sets an override that beats the plan; DELETE clears it", async () => {
    const w = await world();
    await w.call("PUT", "/admin/companies/id:acme/overrides/queries", {
      value: { allocation: 1, period: "current_day" },
    });
    await w.call("POST", "/e", {
      api_key: PUBLISHABLE,
      type: "track",
      body: { event: "query", company: { id: "acme" } },
    });
    expect(await w.check("queries")).toMatchObject({
      value: false,
      rule_type: "company_override_usage_exceeded",
      reason: "Overridden for this company: 1 of 1 queries used today",
      feature_usage_period: "current_day",
    });
    await w.call("PUT", "/admin/companies/id:acme/overrides/exports", { value: true });
    expect(await w.check("exports")).toMatchObject({
      value: true,
      rule_type: "company_override",
      reason: "Overridden for this company",
    });
    await w.call("DELETE", "/admin/companies/id:acme/overrides/queries");
    expect(await w.check("queries")).toMatchObject({
      value: true,
      rule_type: "plan_entitlement",
      feature_usage: 1,
    });
  });

  it("PUT …/traits/{trait} sets a trait (here the plan trait); DELETE removes it", async () => {
    const w = await world();
    await w.call("PUT", "/admin/companies/id:acme/traits/plan", { value: "pro" });
    expect(w.store.findCompany({ id: "acme" })?.traits).toEqual({ plan: "pro" });
    expect((await w.check("exports")).value).toBe(true);
    await w.call("DELETE", "/admin/companies/id:acme/traits/plan");
    expect(w.store.findCompany({ id: "acme" })?.traits).toEqual({});
  });

  it("GET /admin/companies/{key:value} shows the company, its plan and every answer without a key", async () => {
    const w = await world();
    const res = await w.call("GET", "/admin/companies/id%3Aacme", undefined, { key: null });
    expect(res.status).toBe(200);
    expect(res.json.data.plan).toMatchObject({ id: "free" });
    expect(res.json.data.flags.map((f: { flag: string }) => f.flag)).toEqual(["queries", "exports"]);
    expect((await w.call("GET", "/catalog", undefined, { key: null })).json.data.plans.pro.name).toBe("Pro");
  });

  it.each([
    [
      "PUT",
      "/admin/companies/id:acme/plan",
      { plan: "gold" },
      400,
      /plan: must be one of the catalog's plans \(free, pro\); got "gold"/,
    ],
    ["PUT", "/admin/companies/id:acme/plan", {}, 400, /plan: is required/],
    ["PUT", "/admin/companies/id:nobody/plan", { plan: "pro" }, 404, /No company holds the key id:nobody/],
    ["PUT", "/admin/companies/acme/plan", { plan: "pro" }, 400, /must be "keyName:value"/],
    ["PUT", "/admin/companies/id:acme/overrides/nope", { value: true }, 400, /"nope" is not a feature/],
    ["PUT", "/admin/companies/id:acme/overrides/exports", { value: 5 }, 400, /value: must be true or false/],
    ["PUT", "/admin/companies/id:acme/traits/plan", { value: { nested: 1 } }, 400, /traits\.plan must be/],
    ["PUT", "/admin/companies/id:acme/traits/__proto__", { value: 1 }, 400, /reserved name/],
    ["POST", "/admin/companies/id:acme/plan", { plan: "pro" }, 405, /not allowed/],
  ])("%s %s %j → %i, nothing changed", async (method, path, body, status, message) => {
    const w = await world();
    const before = JSON.stringify(w.store.answersFor({ company: { id: "acme" } }));
    const res = await w.call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.json.error).toMatch(message);
    expect(JSON.stringify(w.store.answersFor({ company: { id: "acme" } }))).toBe(before);
    expect(w.changes).toEqual([]);
  });

  it("writes need a secret key: none or a publishable one is a 401 and changes nothing", async () => {
    const w = await world();
    for (const key of [null, PUBLISHABLE, "sch_"]) {
      const res = await w.call("PUT", "/admin/companies/id:acme/plan", { plan: "pro" }, { key });
      expect(res.status).toBe(401);
      expect(res.json.error).toMatch(/send a secret key \(sch_…\)/);
      expect((await w.call("POST", "/reset", undefined, { key })).status).toBe(401);
    }
    expect((await w.check("exports")).value).toBe(false);
    expect(w.store.companies()).toHaveLength(1);
    expect((await w.call("POST", "/reset", undefined, { key: SECRET })).status).toBe(200);
    expect(w.store.companies()).toHaveLength(0);
  });
});
