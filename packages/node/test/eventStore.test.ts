import { describe, expect, it } from "vitest";
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

  it("removed and discarded events are gone; numbers never shift", () => {
    const store = new EventStore();
    for (let i = 0; i < 5_000; i++) store.push(`${i}`, i);
    store.remove(10);
    expect(store.has(10)).toBe(false);
    store.discard(3_000);
    expect(store.has(2_999)).toBe(false);
    expect(store.has(3_000)).toBe(true);
    // Refill past the array size: the kept events move to the front, numbers stay.
    for (let i = 5_000; i < 9_000; i++) store.push(`${i}`, i);
    expect(text(store.bytes(3_000))).toBe("3000");
    expect(text(store.bytes(8_999))).toBe("8999");
    expect(store.time(4_321)).toBe(4_321);
    store.discard(9_000);
    expect(store.has(8_999)).toBe(false);
    store.push("next", 1);
    expect(store.end).toBe(9_001);
    expect(text(store.bytes(9_000))).toBe("next");
  });
});
