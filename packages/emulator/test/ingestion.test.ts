/**
 * The short way events are ingested (one pass for a well-formed track event,
 * a depth scan that jumps over strings) answers exactly what the full
 * parser and a character-by-character scan answer, for well-formed and
 * malformed input alike.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../src/depth";
import { wellFormedTrack } from "../src/trackEvent";
import { parseEvent } from "../src/validate";
import { event, SECRET, setup } from "./helpers";

/** Values a field may arrive with, good and bad. */
const anyValue = fc.oneof(
  fc.constantFrom(undefined, null, "", "x", "x".repeat(255), "x".repeat(256), 0, -1, 1.5, true, [], {}),
  fc.constantFrom(Number.NaN, "2030-01-01T00:00:00.000Z", "yesterday", { id: "c" }, ["a"]),
);
/** Mostly a good value, sometimes any value: most events are then one bad field away from good. */
const mostly = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: anyValue, weight: 1 });
const keysValue = mostly(
  fc.dictionary(mostly(fc.constantFrom("id", "org")).map(String), mostly(fc.constantFrom("c_1", "u_1")), {
    maxKeys: 2,
  }),
);
const text = mostly(fc.constantFrom(undefined, null, "x", "y"));
const body = fc.record(
  {
    event: mostly(fc.constant("query")),
    company: keysValue,
    user: keysValue,
    traits: mostly(
      fc.dictionary(fc.constantFrom("plan", "__proto__", ""), mostly(fc.constantFrom(1, "a", null, true))),
    ),
    quantity: mostly(fc.constantFrom(3, 0, undefined)),
  },
  { requiredKeys: [] },
);
const envelope = fc.record(
  {
    type: mostly(fc.constant("track")),
    body: mostly(body),
    api_key: text,
    sent_at: mostly(fc.constantFrom("2030-01-01T00:00:00.000Z", "2031-05-05T10:00:00Z", undefined)),
    tracker_event_id: text,
    tracker_user_id: text,
    idempotency_key: text,
  },
  { requiredKeys: [] },
);

/** What parseEvent makes of `value`: the event, or the message it refuses it with. */
function full(value: unknown): unknown {
  try {
    return parseEvent(value, "events[0]");
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

describe("a well-formed track event", () => {
  it("is read as parseEvent reads it, and anything parseEvent refuses is left to it", () => {
    let taken = 0;
    fc.assert(
      fc.property(envelope, (generated) => {
        // As the emulator gets it: JSON text parsed (so "__proto__" is a plain own key).
        const value: unknown = JSON.parse(JSON.stringify(generated));
        const fast = wellFormedTrack(value);
        if (fast === undefined) return;
        taken++;
        expect(full(value)).toEqual(fast);
      }),
      { numRuns: 3000 },
    );
    // Both ways are reached often enough for the comparison to mean something.
    expect(taken).toBeGreaterThan(100);
    expect(taken).toBeLessThan(2700);
  });

  it("refused inside a batch, is refused with the message naming its field, and nothing is stored", async () => {
    const { call, store } = setup();
    const good = event("track", { event: "q", company: { id: "c" } });
    for (const [bad, message] of [
      [
        { event: "q", traits: { plan: { nested: 1 } } },
        "events[1].body.traits.plan must be a string, number, boolean or null (got object)",
      ],
      [
        { event: "q", company: { id: "" } },
        "events[1].body.company.id must be a non-empty string (got string)",
      ],
      [{ event: "q", quantity: "3" }, "events[1].body.quantity must be a non-negative number"],
    ] as const) {
      const res = await call("POST", "/batch", { events: [good, event("track", bad), good] });
      expect(res.status).toBe(400);
      expect(res.json.error).toBe(message);
    }
    const late = await call("POST", "/batch", {
      events: [good, { ...event("track", { event: "q" }), sent_at: "yesterday" }],
    });
    expect(late.json.error).toBe("events[1].sent_at must be an ISO-8601 time");
    expect(store.events()).toEqual([]);
    expect(store.stats().eventsReceived).toBe(0);
  });
});

/** The depth of a JSON value: objects and arrays inside one another. */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  const children = Object.values(value as Record<string, unknown>);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
}

describe("the depth scan", () => {
  it("counts only the brackets outside strings, whatever the strings hold", () => {
    const tricky = fc.constantFrom('"', "\\", '\\"', "\\\\", "[", "{", "]", "}", "a");
    const text = fc.array(tricky, { maxLength: 8 }).map((parts) => parts.join(""));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.array(tie("value"), { maxLength: 3 }),
        fc.dictionary(text, tie("value"), { maxKeys: 3 }),
      ),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 6 }), (value, limit) => {
        const serialised = JSON.stringify(value);
        expect(nestsDeeperThan(serialised, limit)).toBe(depthOf(value) > limit);
      }),
      { numRuns: 3000 },
    );
  });

  it("stops counting inside a string left open", () => {
    expect(nestsDeeperThan('{"a":"\\"[[[[', 2)).toBe(false);
    expect(nestsDeeperThan('[[["\\\\"[', 3)).toBe(true);
  });
});

describe("a batch's depth", () => {
  it("is refused past the limit exactly when the scan finds it deeper, before any other refusal", async () => {
    /** `levels` arrays inside one another. */
    const nested = (levels: number): unknown => (levels === 0 ? 1 : [nested(levels - 1)]);
    const extra = fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined });
    const anEvent = fc.record({
      atEvent: extra,
      inBody: extra,
      bad: fc.oneof(
        { arbitrary: fc.constant(false), weight: 4 },
        { arbitrary: fc.constant(true), weight: 1 },
      ),
    });
    const limits = [1, 3, 4, 5, 6, 8, 64];
    const emulators = new Map(limits.map((limit) => [limit, setup({ maxBodyDepth: limit })]));
    await fc.assert(
      fc.asyncProperty(
        fc.array(anEvent, { minLength: 1, maxLength: 4 }),
        extra,
        fc.constantFrom(...limits),
        fc.constantFrom(SECRET, null),
        async (specs, atBatch, limit, key) => {
          const events = specs.map((spec) => {
            const e: Record<string, unknown> = event("track", {
              event: "q",
              company: { id: "c" },
              traits: { plan: "pro" },
              ...(spec.inBody !== undefined && { note: nested(spec.inBody) }),
              ...(spec.bad && { quantity: -1 }),
            });
            if (spec.atEvent !== undefined) e.note = nested(spec.atEvent);
            return e;
          });
          const raw = JSON.stringify({ events, ...(atBatch !== undefined && { note: nested(atBatch) }) });
          const { call } = emulators.get(limit)!;
          const res = await call("POST", "/batch", undefined, { raw, key });
          if (nestsDeeperThan(raw, limit)) {
            expect(res.status).toBe(400);
            expect(res.json.error).toBe(`Request body nests objects and arrays deeper than ${limit} levels`);
          } else expect(res.json.error ?? "").not.toContain("deeper than");
        },
      ),
      { numRuns: 1500 },
    );
  });
});
