import { describe, expect, it } from "vitest";
import { event, SECRET, setup } from "./helpers";

const identifyBody = {
  keys: { id: "u_1", email: "ann@example.com" },
  name: "Ann",
  traits: { role: "admin" },
  company: { keys: { id: "c_1" }, name: "Acme", traits: { seats: 5 } },
};

describe("POST /e", () => {
  it("an identify event upserts company, user and membership exactly as the REST calls do", async () => {
    const viaEvent = setup();
    const res = await viaEvent.call("POST", "/e", event("identify", identifyBody), { key: null });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ accepted: 1, duplicates: 0 });

    const viaRest = setup();
    await viaRest.call("POST", "/companies", { keys: { id: "c_1" }, name: "Acme", traits: { seats: 5 } });
    await viaRest.call("POST", "/users", {
      keys: identifyBody.keys,
      name: "Ann",
      traits: { role: "admin" },
      company: { id: "c_1" },
    });

    const shape = (store: typeof viaEvent.store) => ({
      companies: store
        .companies()
        .map((c) => ({ name: c.name, traits: c.traits, users: c.user_count, keys: c.keys.length })),
      users: store.users().map((u) => ({
        name: u.name,
        traits: u.traits,
        keys: u.keys.length,
        companies: u.company_memberships.length,
      })),
    });
    expect(shape(viaEvent.store)).toEqual(shape(viaRest.store));
    expect(shape(viaEvent.store).companies).toEqual([
      { name: "Acme", traits: { seats: 5 }, users: 1, keys: 1 },
    ]);
  });

  it("an identify of a company alone creates just the company", async () => {
    const { call, store } = setup();
    const res = await call("POST", "/e", event("identify", { keys: {}, company: { keys: { id: "c_9" } } }));
    expect(res.status).toBe(200);
    expect(store.companies()).toHaveLength(1);
    expect(store.users()).toHaveLength(0);
  });

  it("stores track events as sent, with the route and the time received", async () => {
    const { call, store } = setup();
    const sent = event("track", {
      event: "query",
      company: { id: "c_1" },
      user: { id: "u_1" },
      traits: {},
      quantity: 2,
    });
    await call("POST", "/e", sent);
    const [stored] = store.events();
    expect(stored).toMatchObject({
      type: "track",
      body: sent.body,
      via: "e",
      tracker_event_id: sent.tracker_event_id,
      tracker_user_id: "anon-1",
      sent_at: sent.sent_at,
      api_key: sent.api_key,
    });
    expect(stored?.id).toMatch(/^evt_/);
    // Usage is metered per company: a track for a company not seen before creates it.
    expect(store.companies().map((c) => c.keys.map((k) => `${k.key}:${k.value}`))).toEqual([["id:c_1"]]);
    expect(store.users()).toHaveLength(0);
  });

  it("accepts a repeated tracker_event_id with 2xx, ignores it and counts it", async () => {
    const { call, store } = setup();
    const sent = event("identify", identifyBody);
    expect((await call("POST", "/e", sent)).status).toBe(200);
    const again = await call("POST", "/e", { ...sent, body: { ...identifyBody, name: "Changed" } });
    expect(again.status).toBe(200);
    expect(again.json.data).toEqual({ accepted: 0, duplicates: 1 });
    expect(store.events()).toHaveLength(1);
    expect(store.findUser({ id: "u_1" })?.name).toBe("Ann");
    expect(store.stats()).toMatchObject({ eventsReceived: 2, duplicates: 1, events: 1 });
    const listed = await call("GET", "/events");
    expect(listed.json.params).toMatchObject({ total: 1, duplicates: 1, received: 2 });
  });
});

describe("POST /batch", () => {
  const batchEvent = (type: "identify" | "track", body: Record<string, unknown>, extra = {}) => ({
    api_key: SECRET,
    type,
    body,
    sent_at: "2030-01-01T00:00:00.000Z",
    ...extra,
  });

  it("applies identify events and stores track events", async () => {
    const { call, store } = setup();
    const res = await call("POST", "/batch", {
      events: [
        batchEvent("identify", identifyBody),
        batchEvent(
          "track",
          { event: "query", company: { id: "c_1" }, quantity: 3, traits: { source: "api" } },
          { idempotency_key: "idem-1" },
        ),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json.data).toEqual({ accepted: 2, duplicates: 0 });
    expect(store.findCompany({ id: "c_1" })?.user_count).toBe(1);
    expect(store.events({ type: "track" })[0]).toMatchObject({ via: "batch", idempotency_key: "idem-1" });
  });

  it("drops duplicate idempotency keys, within a batch and across batches", async () => {
    const { call, store } = setup();
    const track = batchEvent("track", { event: "query" }, { idempotency_key: "idem-1" });
    const first = await call("POST", "/batch", { events: [track, track] });
    expect(first.json.data).toEqual({ accepted: 1, duplicates: 1 });
    const second = await call("POST", "/batch", { events: [track] });
    expect(second.status).toBe(200);
    expect(second.json.data).toEqual({ accepted: 0, duplicates: 1 });
    expect(store.events()).toHaveLength(1);
    expect(store.stats().duplicates).toBe(2);
  });

  it("refuses the whole batch, changing nothing, when one event is bad", async () => {
    const { call, store } = setup();
    const res = await call("POST", "/batch", {
      events: [batchEvent("identify", identifyBody), batchEvent("track", { event: "" })],
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toContain("events[1].body.event");
    expect(store.companies()).toHaveLength(0);
    expect(store.events()).toHaveLength(0);
  });

  it("GET /events filters by type and pages", async () => {
    const { call } = setup();
    await call("POST", "/batch", {
      events: [
        batchEvent("identify", identifyBody),
        batchEvent("track", { event: "a" }),
        batchEvent("track", { event: "b" }),
      ],
    });
    const tracks = await call("GET", "/events?type=track&limit=1&offset=1");
    expect(tracks.json.data.map((e: { body: { event: string } }) => e.body.event)).toEqual(["b"]);
    expect(tracks.json.params).toMatchObject({ type: "track", total: 2 });
    expect((await call("GET", "/events?type=nope")).status).toBe(400);
  });
});
