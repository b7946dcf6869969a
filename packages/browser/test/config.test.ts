import { toWireIdentifyBody, validateIdentify } from "@schematic-sdk/core";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { isSchematicConfigError, Schematic, SchematicConfigError } from "../src/index";
import { captureEvents, createClient, fakeLifecycle, KEY, settle, useServer } from "./helpers";

useServer();

describe("construction", () => {
  it.each([
    ["a secret key", "sch_dev_0123456789"],
    ["a production secret key", "sch_prod_abcdefghij"],
    ["an empty key", ""],
    ["no key", undefined],
    ["a number", 42],
  ])("refuses %s with SchematicConfigError", (_, key) => {
    const error = (() => {
      try {
        new Schematic(key as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SchematicConfigError);
    expect(isSchematicConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(/publishable key \(api_…\)/);
    if (typeof key === "string" && key.length > 8) expect((error as Error).message).not.toContain(key);
  });

  it("debug logs each event and decision, never the whole key", async () => {
    captureEvents();
    const debug = vi.spyOn(console, "debug").mockImplementation(() => {});
    const schematic = createClient({ debug: true });
    await Promise.all([schematic.identify({ keys: { id: "u" } }), settle(200)]);
    const lines = debug.mock.calls.map((args) =>
      args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "),
    );
    expect(lines.some((l) => l.includes("queued"))).toBe(true);
    expect(lines.some((l) => l.includes("delivered"))).toBe(true);
    expect(lines.join("\n")).not.toContain(KEY);
    schematic.close();
  });

  it("ignores options given as undefined", async () => {
    const received = captureEvents();
    const schematic = createClient({ eventUrl: undefined, flushInterval: undefined });
    await Promise.all([schematic.track({ event: "x" }), settle(200)]);
    expect(received).toHaveLength(1);
    schematic.close();
  });
});

describe("identify bodies", () => {
  const keys = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.string({ minLength: 1, maxLength: 8 }),
    {
      minKeys: 1,
      maxKeys: 4,
    },
  );
  const traits = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }),
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    { maxKeys: 4 },
  );
  const input = fc.record(
    {
      keys,
      name: fc.string({ maxLength: 10 }),
      traits,
      company: fc.record({ keys, traits }, { requiredKeys: ["keys"] }),
    },
    { requiredKeys: ["keys"] },
  );
  const shuffled = <T>(value: T): T =>
    value && typeof value === "object"
      ? (Object.fromEntries(
          Object.entries(value)
            .reverse()
            .map(([k, v]) => [k, shuffled(v)]),
        ) as T)
      : value;
  const forbidden = (i: { keys: object; traits?: object; company?: { keys: object; traits?: object } }) =>
    [i.keys, i.traits, i.company?.keys, i.company?.traits].some(
      (o) => o && Object.keys(o).some((k) => ["__proto__", "constructor", "prototype"].includes(k)),
    );

  it("sends exactly core's wire body, and dedupes the same input in another key order", async () => {
    await fc.assert(
      fc.asyncProperty(input, async (raw) => {
        fc.pre(!forbidden(raw));
        const received = captureEvents();
        const lifecycle = fakeLifecycle();
        const schematic = createClient({ lifecycle });
        const first = schematic.identify(raw);
        const second = schematic.identify(shuffled(raw));
        await settle(200);
        expect(await first).toEqual({ status: "delivered" });
        expect(await second).toEqual({ status: "deduplicated" });
        expect(received.map((r) => r.event.body)).toEqual([toWireIdentifyBody(validateIdentify(raw))]);
        schematic.close();
      }),
      { numRuns: 40 },
    );
  });
});
