/** Entitlements, plan and usage: checks in the snapshot, this client's usage shown at once, answers kept fresh. */
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { memoryStorage, type Storage, type WireEvent } from "../src/index";
import { API, createClient, EVENTS, server, settle, useServer } from "./helpers";

useServer();

const COMPANY = { id: "acme" };
const signIn = { keys: { id: "ann" }, company: { keys: COMPANY } };

/**
 * A small Schematic: `queries` is metered by the `query` event (allocation 3
 * this month), counted from delivered track events; `sso` is on only for a
 * company identified with the trait `plan: "pro"`.
 */
function fakeApi(options: { usage?: number; eventsDown?: boolean } = {}) {
  const state = {
    usage: options.usage ?? 0,
    pro: false,
    eventsDown: options.eventsDown ?? false,
    events: [] as WireEvent[],
    asked: [] as string[],
  };
  const queries = () => ({
    flag: "queries",
    value: state.usage < 3,
    reason: "plan entitlement",
    rule_type: state.usage < 3 ? "plan_entitlement" : "plan_entitlement_usage_exceeded",
    feature_allocation: 3,
    feature_usage: state.usage,
    feature_usage_event: "query",
    feature_usage_period: "current_month",
    feature_usage_reset_at: "2030-02-01T00:00:00.000Z",
    entitlement: { feature_key: "queries", value_type: "numeric" },
  });
  const sso = () => ({ flag: "sso", value: state.pro, reason: state.pro ? "Pro" : "not entitled" });
  const answers: Record<string, () => object> = { queries, sso };
  server.use(
    http.post(`${EVENTS}/e`, async ({ request }) => {
      if (state.eventsDown) return new HttpResponse(null, { status: 503 });
      const event = (await request.json()) as WireEvent;
      state.events.push(event);
      const body = event.body as {
        event?: string;
        quantity?: number;
        company?: { traits?: { plan?: string } };
      };
      if (event.type === "track" && body.event === "query") state.usage += body.quantity ?? 1;
      if (event.type === "identify" && body.company?.traits?.plan === "pro") state.pro = true;
      return HttpResponse.json({});
    }),
    http.post(`${API}/flags/check`, () => {
      state.asked.push("*");
      return HttpResponse.json({
        data: { flags: [queries(), sso()], plan: { id: "plan_free", name: "Free", trial_status: null } },
        params: {},
      });
    }),
    http.post(`${API}/flags/:key/check`, ({ params }) => {
      const flag = String(params.key);
      state.asked.push(flag);
      return HttpResponse.json({ data: answers[flag]?.() ?? { flag, value: false }, params: {} });
    }),
  );
  return state;
}

const client = (storage: Storage = memoryStorage()) => createClient({ storage, flushInterval: 50 });

describe("entitlements", () => {
  it("checkEntitlement answers the whole check; getFlagCheck and the snapshot hold it; the bulk answer carries the plan", async () => {
    fakeApi({ usage: 1 });
    const schematic = client();
    schematic.setContext({ company: COMPANY });
    const check = await schematic.checkEntitlement("queries", { fallback: false });
    expect(check).toMatchObject({
      flag: "queries",
      value: true,
      ruleType: "plan_entitlement",
      valueType: "numeric",
      featureAllocation: 3,
      featureUsage: 1,
      featureUsageEvent: "query",
      featureUsagePeriod: "current_month",
    });
    expect(check.featureUsageResetAt).toEqual(new Date("2030-02-01T00:00:00.000Z"));
    expect(schematic.getFlagCheck("queries")).toBe(schematic.getSnapshot().checks.queries);
    expect(schematic.getPlan()).toBeUndefined();
    await schematic.checkFlags();
    expect(schematic.getPlan()).toEqual({ id: "plan_free", name: "Free" });
    expect(schematic.getSnapshot().plan).toEqual({ id: "plan_free", name: "Free" });
    expect(schematic.getSnapshot().flags).toEqual({ queries: true, sso: false });
    schematic.close();
  });

  it("on failure answers the fallback check, or the last one known for the context", async () => {
    server.use(http.post(`${API}/flags/:key/check`, () => new HttpResponse(null, { status: 500 })));
    const schematic = client();
    await expect(schematic.checkEntitlement("queries", { fallback: true })).resolves.toEqual({
      flag: "queries",
      value: true,
      reason: "fallback",
    });
    schematic.close();
  });
});

describe("optimistic usage", () => {
  it("a track shows at once (same tick) and turns the value off at the allocation; the API's next answer is not double counted", async () => {
    const api = fakeApi({ usage: 1 });
    const schematic = client();
    void schematic.identify(signIn);
    await schematic.checkEntitlement("queries");
    await settle(100);
    const seen: (number | undefined)[] = [];
    schematic.subscribe(() => seen.push(schematic.getSnapshot().checks.queries?.featureUsage));

    void schematic.track({ event: "query" });
    expect(schematic.getFlagCheck("queries")).toMatchObject({ featureUsage: 2, value: true });
    await Promise.resolve();
    expect(seen).toEqual([2]);
    void schematic.track({ event: "query", quantity: 1 });
    expect(schematic.getFlagCheck("queries")).toMatchObject({
      featureUsage: 3,
      value: false,
      featureUsageExceeded: true,
    });
    expect(schematic.getFlag("queries")).toBe(false);
    void schematic.track({ event: "other" });
    expect(schematic.getFlagCheck("queries")?.featureUsage).toBe(3);

    // Delivered: the server counted both; shown usage stays, before and after its next answer.
    await settle(500);
    expect(api.usage).toBe(3);
    expect(schematic.getFlagCheck("queries")?.featureUsage).toBe(3);
    await schematic.checkFlags();
    expect(schematic.getFlagCheck("queries")).toMatchObject({ featureUsage: 3, value: false });
    schematic.close();
  });

  it("a track for another company, or with no company, changes nothing shown", async () => {
    fakeApi({ usage: 1 });
    const schematic = client();
    schematic.setContext({ company: COMPANY });
    await schematic.checkEntitlement("queries");
    void schematic.track({ event: "query", company: { id: "other" } });
    expect(schematic.getFlagCheck("queries")?.featureUsage).toBe(1);
    schematic.close();
  });

  it("a reload with tracks still queued neither loses nor double-counts them", async () => {
    const api = fakeApi({ usage: 1, eventsDown: true });
    const storage = memoryStorage();
    const first = client(storage);
    first.setContext({ company: COMPANY });
    await first.checkEntitlement("queries");
    void first.track({ event: "query", quantity: 1 });
    expect(first.getFlagCheck("queries")?.featureUsage).toBe(2);
    await settle(200);
    first.close(); // the page goes away with the track undelivered

    const second = client(storage);
    second.mount();
    await settle(0);
    expect(second.getFlagCheck("queries")?.featureUsage).toBe(2);
    // The server comes back: the queued track is delivered, the API answers again.
    api.eventsDown = false;
    await settle(2_000);
    expect(api.usage).toBe(2);
    await second.checkFlags();
    expect(second.getFlagCheck("queries")?.featureUsage).toBe(2);

    const third = client(storage);
    third.mount();
    await settle(0);
    expect(third.getFlagCheck("queries")?.featureUsage).toBe(2);
    second.close();
    third.close();
  });

  it("a dropped track stops counting", async () => {
    fakeApi({ usage: 1 });
    server.use(http.post(`${EVENTS}/e`, () => new HttpResponse(null, { status: 400 })));
    const schematic = client();
    schematic.setContext({ company: COMPANY });
    await schematic.checkEntitlement("queries");
    const result = schematic.track({ event: "query" });
    expect(schematic.getFlagCheck("queries")?.featureUsage).toBe(2);
    await settle(500);
    await expect(result).resolves.toMatchObject({ status: "dropped", reason: "rejected" });
    expect(schematic.getFlagCheck("queries")?.featureUsage).toBe(1);
    schematic.close();
  });
});

describe("freshness", () => {
  it("a flag answered before its context's identify arrived is asked again once it has", async () => {
    const api = fakeApi();
    const schematic = client();
    void schematic.identify({ keys: { id: "ann" }, company: { keys: COMPANY, traits: { plan: "pro" } } });
    // Asked at once: the API has not seen the identify yet.
    await expect(schematic.checkFlag("sso")).resolves.toBe(false);
    await settle(500);
    expect(api.events.map((e) => e.type)).toEqual(["identify"]);
    expect(schematic.getFlag("sso")).toBe(true);
    expect(api.asked).toEqual(["sso", "*"]);
    schematic.close();
  });

  it("with the context's bootstrap differing from the identified one, bootstrapped values stay until the new answers arrive", async () => {
    const api = fakeApi();
    api.pro = true;
    const schematic = createClient({
      flushInterval: 50,
      bootstrap: { context: { company: { id: "server-guess" } }, flags: { sso: true } },
    });
    const shown: unknown[] = [];
    schematic.subscribe(() => shown.push(schematic.getFlag("sso")));
    schematic.mount();
    void schematic.identify({ keys: { id: "ann" }, company: { keys: COMPANY } });
    expect(schematic.getFlag("sso")).toBe(true);
    await settle(1_000);
    expect(shown.every((value) => value === true)).toBe(true);
    expect(schematic.getSnapshot().context).toEqual({ user: { id: "ann" }, company: COMPANY });
    expect(api.asked).toEqual(["*"]);
    schematic.close();
  });

  it("while mounted, a value shown is asked again after flagCacheTtl, the old value kept meanwhile", async () => {
    const api = fakeApi();
    const schematic = createClient({ flagCacheTtl: 10_000 });
    schematic.mount();
    schematic.setContext({ company: COMPANY });
    await schematic.checkFlag("sso");
    expect(api.asked).toEqual(["sso"]);
    api.pro = true;
    await settle(9_000);
    expect(api.asked).toEqual(["sso"]);
    expect(schematic.getFlag("sso")).toBe(false);
    await settle(1_500);
    expect(api.asked).toEqual(["sso", "*"]);
    expect(schematic.getFlag("sso")).toBe(true);
    schematic.unmount();
    await settle(30_000);
    expect(api.asked).toEqual(["sso", "*"]);
    schematic.close();
  });

  it("while mounted with nothing shown, nothing is asked: an app that only identifies and tracks sends no flag request", async () => {
    const api = fakeApi();
    const schematic = createClient({ flagCacheTtl: 10_000 });
    schematic.mount();
    const sent = [schematic.identify(signIn), schematic.track({ event: "query" })];
    await settle(5 * 60_000);
    await expect(Promise.all(sent)).resolves.toEqual([{ status: "delivered" }, { status: "delivered" }]);
    expect(api.asked).toEqual([]);
    expect(api.events.map((e) => e.type)).toEqual(["identify", "track"]);
    // Once something is shown, it is kept fresh.
    const sso = schematic.checkFlag("sso");
    await settle(100);
    await expect(sso).resolves.toBe(false);
    await settle(10_500);
    expect(api.asked).toEqual(["sso", "*"]);
    schematic.close();
  });
});
