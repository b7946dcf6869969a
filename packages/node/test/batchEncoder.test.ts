import { createEvent, type WireEvent } from "@schematic-sdk/core";
import { describe, expect, it } from "vitest";
import { BatchEncoder, EVENT_TAGS, MAX_BATCH_BYTES, storedEventJson } from "../src/batchEncoder";
import { EventStore } from "../src/eventStore";

const apiKey = 'sch_dev_"quoted"\u00e9';
const events: { type: WireEvent["type"]; body: WireEvent["body"]; idempotencyKey?: string; at: number }[] = [
  {
    type: "identify",
    body: { keys: { id: "u_1" }, name: "Ann \u2603", company: { keys: { id: "c_1" }, traits: { seats: 5 } } },
    at: Date.UTC(2030, 0, 1),
  },
  {
    type: "track",
    body: { event: "query", company: { id: "c_1" }, traits: {}, quantity: 2 },
    idempotencyKey: "idem-1",
    at: Date.UTC(2030, 0, 1, 0, 0, 1),
  },
];

describe("the batch encoder", () => {
  it("writes bytes that parse to exactly what core's createEvent builds", () => {
    const store = new EventStore();
    for (const e of events) store.push(storedEventJson(e.body, e.idempotencyKey), e.at, EVENT_TAGS[e.type]);
    const batch = new BatchEncoder(apiKey).encode(store, 100);
    expect(batch).toMatchObject({ count: 2, hasIdentify: true, end: 2 });
    const parsed = JSON.parse(new TextDecoder().decode(batch.body)) as { events: WireEvent[] };
    const built = events.map((e) =>
      createEvent({
        apiKey,
        type: e.type,
        body: e.body,
        time: e.at,
        ...(e.idempotencyKey ? { idempotencyKey: e.idempotencyKey } : {}),
      }),
    );
    // Fresh ids on both sides: compare everything else, and that ids are UUIDs.
    expect(parsed.events.map(({ tracker_event_id, ...rest }) => rest)).toEqual(
      built.map(({ tracker_event_id, ...rest }) => rest),
    );
    for (const e of parsed.events) {
      expect(e.tracker_event_id).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
    }
    expect(new Set(parsed.events.map((e) => e.tracker_event_id)).size).toBe(2);
  });

  it("stops a batch before MAX_BATCH_BYTES and leaves the rest in the store", () => {
    const store = new EventStore();
    const big = { event: "e", traits: { blob: "x".repeat(60_000) }, quantity: 1 };
    for (let i = 0; i < 20; i++) store.push(storedEventJson(big, undefined), 0, EVENT_TAGS.track);
    const batch = new BatchEncoder("sch_x").encode(store, 100);
    expect(batch.body.length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(batch.count).toBe(8);
    expect(batch.hasIdentify).toBe(false);
    expect(store.first).toBe(0);
  });
});
