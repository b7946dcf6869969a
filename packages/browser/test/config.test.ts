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

  it.each([
    ["", /pass your publishable key \(api_…\) first/],
    [42, /a publishable key \(api_…\) is a string; got 42/],
    ["sch_dev_0123456789", /a secret key \(sch_…\), which must stay on your server/],
  ])("tells a missing, non-string and secret key apart: %s", (key, message) => {
    expect(() => new Schematic(key as never)).toThrow(message);
  });

  it.each<[string, object, RegExp]>([
    [
      "a misspelled option",
      { apiURL: "http://127.0.0.1:8787" },
      /unknown option "apiURL" — did you mean "apiUrl"\?/,
    ],
    [
      "a doubled letter",
      { flushIntervall: 100 },
      /unknown option "flushIntervall" — did you mean "flushInterval"\?/,
    ],
    [
      "a name from the Node client",
      { apiKey: "api_x" },
      /unknown option "apiKey".*Known options: apiUrl, eventUrl/,
    ],
    [
      "a URL with no scheme",
      { apiUrl: "127.0.0.1:18787" },
      /apiUrl must be an http\(s\) URL with its scheme, like "https:\/\/api.example.com"; got "127.0.0.1:18787"/,
    ],
    ["another scheme", { eventUrl: "ftp://x" }, /eventUrl must be an http\(s\) URL/],
    [
      "a word for a number",
      { flushInterval: "soon" },
      /flushInterval must be a number of milliseconds ≥ 0; got "soon"/,
    ],
    [
      "a number as a string",
      { flagCacheTtl: "1000" },
      /flagCacheTtl must be a number of milliseconds ≥ 0; got "1000"/,
    ],
    ["a fraction for a count", { maxQueueSize: 2.5 }, /maxQueueSize must be a whole number ≥ 1; got 2.5/],
    ["no attempts", { maxAttempts: 0 }, /maxAttempts must be a whole number ≥ 1; got 0/],
    ["an unknown transport", { transport: "beacon" }, /transport must be "event" or "batch"; got "beacon"/],
    ["a string for a switch", { trackFlagChecks: "yes" }, /trackFlagChecks must be true or false; got "yes"/],
    [
      "debug as a word",
      { debug: "verbose" },
      /debug must be true, false or a function like console.log; got "verbose"/,
    ],
    [
      "a storage without its methods",
      { storage: {} },
      /storage must be an object with get, set, remove methods; got an object/,
    ],
    ["a callback that is not a function", { onDrop: "log" }, /onDrop must be a function; got "log"/],
    ["bootstrap as an array", { bootstrap: [] }, /bootstrap must be an object; got an array/],
    ["options as a string", "http://x" as never, /pass the options as an object; got "http:\/\/x"/],
  ])("refuses %s with SchematicConfigError naming the option and what to pass", (_, options, message) => {
    const send = vi.fn(globalThis.fetch);
    expect(() => new Schematic(KEY, { ...(options as object), fetch: send } as never)).toThrow(
      SchematicConfigError,
    );
    expect(() => new Schematic(KEY, options as never)).toThrow(message);
    expect(() => new Schematic(KEY, options as never)).toThrow(/^Schematic: /);
    expect(send).not.toHaveBeenCalled();
  });

  it("checks apiUrl and eventUrl in a browser without URL.canParse (Safari 16, Chrome 119)", () => {
    vi.stubGlobal("URL", Object.assign(class extends URL {}, { canParse: undefined }));
    try {
      new Schematic(KEY, { apiUrl: "http://127.0.0.1:8787", eventUrl: "https://c.example.com/" }).close();
      expect(() => new Schematic(KEY, { apiUrl: "http://" })).toThrow(/apiUrl must be an http\(s\) URL/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("takes every option set to undefined (the defaults apply)", () => {
    const client = new Schematic(KEY, { apiUrl: undefined, flushInterval: undefined, live: undefined });
    client.close();
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
