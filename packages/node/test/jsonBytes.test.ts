import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storedEventJson, writeStoredEvent } from "../src/batchEncoder";
import { writeJson } from "../src/jsonBytes";

const encoder = new TextEncoder();
const utf8 = (text: string) => encoder.encode(text);

/** What writeJson wrote into a buffer of `room` bytes, or undefined when it answered -1. */
function written(value: unknown, room = 1 << 16, at = 0): Uint8Array | undefined {
  const target = new Uint8Array(room);
  const end = writeJson(value, target, at, room);
  return end < 0 ? undefined : target.slice(at, end);
}

/** Strings with everything JSON escapes or encodes in several bytes: quotes, controls, non-ASCII, lone surrogates. */
const hardString = fc.string({
  unit: fc.oneof(
    fc.constantFrom('"', "\\", "\n", "\t", "\b", "\f", "\r", "\u0000", "\u001f", "\u007f", "é", "☃", "😀"),
    fc.constantFrom("\ud800", "\udbff", "\udc00", "\udfff"),
    fc.string({ unit: "grapheme", maxLength: 1 }),
    fc.string({ unit: "binary", maxLength: 1 }),
  ),
});

const jsonLike = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    hardString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(hardString, tie("value"), { maxKeys: 5 }),
  ),
}));

describe("writeJson", () => {
  it("writes exactly the UTF-8 of JSON.stringify, or declines", () => {
    fc.assert(
      fc.property(jsonLike.value, (value) => {
        const json = JSON.stringify(value);
        const bytes = written(value);
        if (json === undefined) expect(bytes).toBeUndefined();
        // Only a non-finite number may be declined here (JSON.stringify writes null for it).
        else if (bytes === undefined) expect(json).toContain("null");
        else expect(bytes).toEqual(utf8(json));
      }),
      { numRuns: 2000 },
    );
  });

  it("writes objects' keys in JSON.stringify's order: integer keys first, then insertion order", () => {
    const value = { b: 1, 2: "two", a: [undefined, () => 1, Symbol("s")], 1: { skip: undefined, keep: -0 } };
    expect(new TextDecoder().decode(written(value))).toBe(JSON.stringify(value));
  });

  it("leaves out what a polluted Object.prototype adds, as JSON.stringify does", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.polluted = "yes";
    try {
      const value = { a: 1, nested: { b: 2 } };
      expect(new TextDecoder().decode(written(value))).toBe('{"a":1,"nested":{"b":2}}');
    } finally {
      delete proto.polluted;
    }
  });

  it("declines what only JSON.stringify can write, so its errors and toJSON still apply", () => {
    class Point {
      x = 1;
    }
    for (const value of [
      new Date(0),
      { at: new Date(0) },
      { toJSON: () => "x" },
      new Point(),
      new String("boxed"),
      1n,
      { n: Number.NaN },
      { n: Number.POSITIVE_INFINITY },
    ]) {
      expect(written(value)).toBeUndefined();
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(written(cyclic)).toBeUndefined();
  });

  it("never writes at or past the limit, and declines what does not fit", () => {
    fc.assert(
      fc.property(jsonLike.value, fc.nat({ max: 200 }), fc.nat({ max: 8 }), (value, room, at) => {
        const target = new Uint8Array(at + room + 8).fill(0xee);
        const limit = at + room;
        const end = writeJson(value, target, at, limit);
        expect(Array.from(target.subarray(limit))).toEqual(new Array(8).fill(0xee));
        if (end >= 0) expect(target.slice(at, end)).toEqual(utf8(JSON.stringify(value)));
      }),
      { numRuns: 1000 },
    );
  });

  it("writes an event as the store keeps it: the body's JSON, then its idempotency key", () => {
    fc.assert(
      fc.property(
        fc.dictionary(hardString, jsonLike.value),
        fc.option(hardString, { nil: undefined }),
        (body, key) => {
          const target = new Uint8Array(1 << 16);
          const end = writeStoredEvent(body, key, target, 3, target.length);
          if (end >= 0) expect(target.slice(3, end)).toEqual(utf8(storedEventJson(body, key)));
        },
      ),
      { numRuns: 500 },
    );
  });
});
