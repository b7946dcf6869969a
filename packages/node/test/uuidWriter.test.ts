import { describe, expect, it } from "vitest";
import { UuidWriter } from "../src/uuidWriter";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("the tracker id writer", () => {
  it("writes distinct version 4 UUIDs in place, past many refills of its random pool", () => {
    const writer = new UuidWriter();
    const target = new Uint8Array(40).fill(0x21);
    const decoder = new TextDecoder();
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      expect(writer.write(target, 2)).toBe(38);
      const id = decoder.decode(target.subarray(2, 38));
      expect(id).toMatch(V4);
      seen.add(id);
    }
    expect(seen.size).toBe(20_000);
    // Nothing written outside its 36 bytes.
    expect([target[0], target[1], target[38], target[39]]).toEqual([0x21, 0x21, 0x21, 0x21]);
  });
});
