import { describe, expect, it } from "vitest";
import { storedEventJson, writeStoredEvent } from "../src/batchEncoder";
import { EventStore } from "../src/eventStore";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("EventStore", () => {
  it("gives back each event's JSON and call time, across chunk boundaries and multi-byte text", () => {
    const store = new EventStore();
    const events = Array.from(
      { length: 20_000 },
      (_, i) => `{"n":${i},"name":"Zoë ${"€".repeat(i % 40)} 🚀"}`,
    );
    for (const [i, json] of events.entries()) store.push(json, 1_000 + i);
    expect(store.end).toBe(20_000);
    for (const i of [0, 1, 4_095, 4_096, 12_345, 19_999]) {
      expect(text(store.bytes(i))).toBe(events[i]);
      expect(store.time(i)).toBe(1_000 + i);
    }
    expect(events.every((json, i) => text(store.bytes(i)) === json)).toBe(true);
  });

  it("stores an event larger than a chunk whole", () => {
    const store = new EventStore();
    store.push("a", 1);
    const big = `"${"ü".repeat(400_000)}"`;
    store.push(big, 2);
    store.push("b", 3);
    expect([text(store.bytes(0)), text(store.bytes(1)), text(store.bytes(2))]).toEqual(["a", big, "b"]);
  });

  it("discarding from the front frees whole chunks; numbers never shift", () => {
    const store = new EventStore();
    const json = `{"pad":"${"x".repeat(1_000)}"}`;
    for (let i = 0; i < 2_000; i++) store.push(json, i);
    const held = store.heldBytes;
    expect(held).toBeGreaterThanOrEqual(2_000 * json.length);
    store.discard(1_500);
    expect(store.first).toBe(1_500);
    // What 500 events need, plus at most one partly used chunk at each end.
    expect(store.heldBytes).toBeLessThanOrEqual(500 * json.length + 2 * 256 * 1024);
    expect(store.heldBytes).toBeLessThan(held / 2);
    // Refill past the index arrays' size: the kept events move to the front, numbers stay.
    for (let i = 2_000; i < 6_000; i++) store.push(`${i}`, i);
    expect(text(store.bytes(1_500))).toBe(json);
    expect(text(store.bytes(5_999))).toBe("5999");
    expect(store.time(4_321)).toBe(4_321);
    store.discard(6_000);
    expect([store.first, store.end]).toEqual([6_000, 6_000]);
    store.push("next", 1);
    expect(text(store.bytes(6_000))).toBe("next");
  });

  it("a long run of pushes and front discards (a full buffer) holds memory for the kept events only", () => {
    const store = new EventStore();
    const json = `{"pad":"${"y".repeat(200)}"}`;
    for (let i = 0; i < 200_000; i++) {
      store.push(json, i);
      if (store.end - store.first > 1_000) store.discard(store.first + 1);
    }
    expect(store.end - store.first).toBe(1_000);
    expect(text(store.bytes(199_999))).toBe(json);
    // 1,000 events of ~210 bytes, plus at most two partly used chunks.
    expect(store.heldBytes).toBeLessThanOrEqual(3 * 256 * 1024);
  });

  it("keeps events written in place, falling back to strings where the room left is too small, in push order", () => {
    const store = new EventStore();
    const bodies = Array.from({ length: 5_000 }, (_, i) => ({
      event: `e${i}`,
      traits: { note: i % 997 === 0 ? "\u2603".repeat(30_000) : "Zoë \u{1f680}" },
      quantity: i,
    }));
    let fallbacks = 0;
    for (const [i, body] of bodies.entries()) {
      const key = i % 3 === 0 ? `idem-${i}` : undefined;
      if (!store.pushWritten(writeStoredEvent, body, key, 10 + i, 1)) {
        fallbacks++;
        store.push(storedEventJson(body, key), 10 + i, 1);
      }
    }
    // Events too large for the room a chunk has left are the ones that fell back.
    expect(fallbacks).toBeGreaterThan(0);
    expect(fallbacks).toBeLessThan(20);
    for (const [i, body] of bodies.entries()) {
      const key = i % 3 === 0 ? `idem-${i}` : undefined;
      expect(text(store.bytes(i))).toBe(storedEventJson(body, key));
      expect([store.time(i), store.tag(i), store.size(i)]).toEqual([10 + i, 1, store.bytes(i).length]);
    }
    expect(store.keptBytes).toBe(bodies.reduce((n, _, i) => n + store.size(i), 0));
  });
});
