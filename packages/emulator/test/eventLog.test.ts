/**
 * Batches of track events are kept as their text and read back as events:
 * what `GET /events`, `store.events()` and the data file show is exactly the
 * stored-event model of every new event, in arrival order, whatever mix of
 * duplicates, identify events and evictions the batches bring.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../src/records";
import { event, PUBLISHABLE, setup } from "./helpers";

type Envelope = Record<string, unknown>;

const CATALOG = {
  features: { queries: { type: "event", event: "query" } },
  plans: { free: { name: "Free", entitlements: { queries: { allocation: 1000, period: "all_time" } } } },
  defaultPlan: "free",
} as const;

/** What the log must keep of a new event (every field but the emulator's id and time). */
const model = (e: Envelope) => ({
  type: e.type,
  body: e.body,
  api_key: typeof e.api_key === "string" ? e.api_key : null,
  sent_at: typeof e.sent_at === "string" ? e.sent_at : null,
  tracker_event_id: typeof e.tracker_event_id === "string" ? e.tracker_event_id : null,
  tracker_user_id: typeof e.tracker_user_id === "string" ? e.tracker_user_id : null,
  idempotency_key: typeof e.idempotency_key === "string" ? e.idempotency_key : null,
  via: "batch",
});
const withoutIdAndTime = ({ id, received_at, ...rest }: StoredEvent) => rest;

/** A fresh tracker id, the previous event's again (a retry: always within the window remembered), or none. */
const ids = fc.constantFrom("new", "new", "repeat", undefined);
const anEvent = fc.oneof(
  {
    arbitrary: fc.record({
      company: fc.constantFrom("c1", "c2"),
      id: ids,
      key: fc.option(fc.constantFrom("k1", "k2"), { nil: undefined }),
      quantity: fc.nat({ max: 5 }),
      extra: fc.boolean(),
    }),
    weight: 8,
  },
  { arbitrary: fc.record({ identify: fc.constantFrom("u1", "u2"), id: ids }), weight: 1 },
);

let previousId = "none";
function envelopeOf(spec: Record<string, unknown>, n: number): Envelope {
  const trackerId = spec.id === "repeat" ? previousId : `tid-${n}`;
  if (spec.id !== undefined) previousId = trackerId;
  if ("identify" in spec) {
    return event("identify", { keys: { id: spec.identify } }, { tracker_event_id: trackerId });
  }
  const e: Envelope = event(
    "track",
    { event: "query", company: { id: spec.company }, quantity: spec.quantity, traits: { n } },
    { tracker_event_id: trackerId, ...(spec.key !== undefined && { idempotency_key: spec.key }) },
  );
  if (spec.id === undefined) delete e.tracker_event_id;
  // An unknown field at the event's level is not kept (as before).
  return spec.extra ? { ...e, ignored: { deep: [1] } } : e;
}

describe("the event log", () => {
  it("shows every new event of every batch as the stored-event model, in order, across evictions", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(anEvent, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 8 }),
        fc.constantFrom(7, 25, 1000),
        async (batches, maxEvents) => {
          const { call, store } = setup({ maxEvents, catalog: CATALOG });
          const expected: ReturnType<typeof model>[] = [];
          const seen = new Set<string>();
          let n = 0;
          let usage = 0;
          for (const [b, specs] of batches.entries()) {
            // Reading everything now and then makes the batches kept so far into objects, later evicted too.
            if (b % 3 === 2) store.events();
            else if (b % 3 === 1) store.events({ last: 2 });
            const events = specs.map((spec) => envelopeOf(spec, n++));
            const res = await call("POST", "/batch", { events }, { key: PUBLISHABLE });
            let accepted = 0;
            for (const e of events) {
              const marks = [e.tracker_event_id, e.idempotency_key].filter((m) => typeof m === "string");
              if (marks.some((m) => seen.has(`${m}`))) continue;
              for (const m of marks) seen.add(`${m}`);
              expected.push(model(e));
              accepted++;
              if (e.type === "track") usage += (e.body as { quantity: number }).quantity;
            }
            expect(res.json.data).toEqual({ accepted, duplicates: events.length - accepted });
          }
          const kept = store.stats().events;
          expect(kept).toBeLessThanOrEqual(maxEvents);
          const tail = expected.slice(expected.length - kept);
          const stored = store.events();
          expect(stored.map(withoutIdAndTime)).toEqual(tail);
          // Ids are unique and in arrival order; the answer of GET /events and the data file say the same.
          const eventIds = stored.map((e) => e.id);
          expect([...eventIds].sort()).toEqual(eventIds);
          expect(new Set(eventIds).size).toBe(eventIds.length);
          const listed = await call("GET", "/events");
          expect(listed.json.data.map((e: StoredEvent) => e.id)).toEqual(eventIds);
          expect(store.toSnapshot().events).toEqual(stored);
          for (const last of [1, 3, kept + 5]) {
            expect(store.events({ type: "track", last })).toEqual(
              stored.filter((e) => e.type === "track").slice(-last),
            );
            expect(store.events({ last })).toEqual(stored.slice(-last));
          }
          expect(store.events({ type: "identify" })).toEqual(stored.filter((e) => e.type === "identify"));
          // Usage counts every new track event, kept or evicted.
          let metered = 0;
          for (const company of ["c1", "c2"]) {
            const check = await call("POST", "/flags/queries/check", { company: { id: company } });
            metered += check.json.data.feature_usage ?? 0;
          }
          expect(metered).toBe(usage);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("a batch partly evicted reads the same before and after all its events were asked for", async () => {
    const { call, store } = setup({ maxEvents: 10 });
    const events = Array.from({ length: 16 }, (_, i) => event("track", { event: "query", quantity: i }));
    await call("POST", "/batch", { events: events.slice(0, 8) });
    await call("POST", "/batch", { events: events.slice(8) });
    // 16 kept > 10: the oldest 6 go, 2 of the first batch stay.
    const quantities = (list: StoredEvent[]) => list.map((e) => (e.body as { quantity: number }).quantity);
    const expected = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
    expect(quantities(store.events({ last: 10 }))).toEqual(expected);
    const all = store.events();
    expect(quantities(all)).toEqual(expected);
    expect(store.events()).toEqual(all);
    expect(quantities(store.events({ last: 9 }))).toEqual(expected.slice(1));
    await call("POST", "/batch", { events: [event("track", { event: "query", quantity: 16 })] });
    expect(quantities(store.events())).toEqual([...expected.slice(1), 16]);
  });

  it("hands out copies: changing what it answers changes nothing stored", async () => {
    const { call, store } = setup();
    await call("POST", "/batch", { events: [event("track", { event: "query" })] });
    const [first] = store.events();
    first!.api_key = "changed";
    expect(store.events()[0]!.api_key).toBe(PUBLISHABLE);
  });

  it("a batch kept as text after a restart from the data file reads the same", async () => {
    const { call, store } = setup({ maxEvents: 50 });
    const events = Array.from({ length: 30 }, (_, i) => event("track", { event: "query", quantity: i }));
    await call("POST", "/batch", { events });
    await call("POST", "/batch", { events: events.slice(0, 10) }); // all duplicates
    const before = store.events();
    const again = setup({ maxEvents: 50 });
    again.store.loadSnapshot(JSON.parse(JSON.stringify(store.toSnapshot())));
    expect(again.store.events()).toEqual(before);
    // Their ids still count as seen.
    const retried = await again.call("POST", "/batch", { events });
    expect(retried.json.data).toEqual({ accepted: 0, duplicates: 30 });
  });
});
