import { describe, expect, it } from "vitest";
import {
  isSchematicValidationError,
  SchematicValidationError,
  validateCompany,
  validateContext,
  validatedJson,
  validateFlagKey,
  validateIdentify,
  validateTrack,
  validateUpsertCompany,
  validateUpsertUser,
} from "../src/index";

/** Runs a validator expecting a refusal; answers the issues. */
function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SchematicValidationError);
    expect(isSchematicValidationError(error)).toBe(true);
    return (error as SchematicValidationError).issues;
  }
  throw new Error("expected a SchematicValidationError");
}

class Plan {
  tier = "pro";
}
const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;

const user = { id: "u_1" };

describe("validateIdentify refuses bad input with a path and an instruction", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["no input", undefined, "", /is required; pass \{ keys/],
    ["an array as input", [], "", /plain object .* got an array/],
    ["missing keys", { name: "Ann" }, "keys", /is required/],
    ["keys as a string", { keys: "u_1" }, "keys", /plain object .* got string "u_1"/],
    ["an empty keys object", { keys: {} }, "keys", /at least one key/],
    [
      "a number key value",
      { keys: { id: 42 } },
      "keys.id",
      /must be a string; got number 42 — pass String\(42\)/,
    ],
    ["a bigint key value", { keys: { id: 42n } }, "keys.id", /pass String\(42\)/],
    ["a null key value", { keys: { id: null } }, "keys.id", /must be a string; got null/],
    ["an empty key value", { keys: { id: "" } }, "keys.id", /must not be empty/],
    [
      "an over-long key value",
      { keys: { id: "x".repeat(256) } },
      "keys.id",
      /at most 255 characters; got 256/,
    ],
    ["an empty key name", { keys: { "": "x" } }, "keys", /key names must not be empty/],
    ["an over-long key name", { keys: { ["k".repeat(256)]: "x" } }, `keys.${"k".repeat(20)}`, /at most 255/],
    [
      "21 keys",
      { keys: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])) },
      "keys",
      /at most 20 keys; got 21/,
    ],
    ["a Map as keys", { keys: new Map([["id", "x"]]) }, "keys", /got a Map/],
    ["__proto__ as a key name", { keys: JSON.parse('{"__proto__":"x"}') }, "keys.__proto__", /not allowed/],
    ["constructor as a key name", { keys: { constructor: "x" } }, "keys.constructor", /not allowed/],
    ["a number name", { keys: user, name: 5 }, "name", /must be a string; got number 5/],
    ["an over-long name", { keys: user, name: "n".repeat(256) }, "name", /at most 255/],
    ["traits as an array", { keys: user, traits: [] }, "traits", /got an array/],
    ["a nested trait object", { keys: user, traits: { plan: { tier: 1 } } }, "traits.plan", /got an object/],
    ["an array trait", { keys: user, traits: { tags: ["a"] } }, "traits.tags", /got an array/],
    ["a function trait", { keys: user, traits: { fn: () => 1 } }, "traits.fn", /got a function/],
    ["a symbol trait", { keys: user, traits: { s: Symbol("x") } }, "traits.s", /got a symbol/],
    [
      "a bigint trait",
      { keys: user, traits: { big: 10n } },
      "traits.big",
      /got bigint 10 — pass Number\(10n\)/,
    ],
    ["a NaN trait", { keys: user, traits: { n: Number.NaN } }, "traits.n", /finite number; got NaN/],
    ["an Infinity trait", { keys: user, traits: { n: Infinity } }, "traits.n", /finite number; got Infinity/],
    ["a class instance trait", { keys: user, traits: { plan: new Plan() } }, "traits.plan", /got a Plan/],
    [
      "an invalid Date trait",
      { keys: user, traits: { at: new Date(Number.NaN) } },
      "traits.at",
      /invalid Date/,
    ],
    ["a cycle in traits", { keys: user, traits: cyclic }, "traits.self", /got an object/],
    [
      "prototype as a trait name",
      { keys: user, traits: { prototype: 1 } },
      "traits.prototype",
      /not allowed/,
    ],
    [
      "__proto__ as a trait name",
      { keys: user, traits: JSON.parse('{"__proto__":1}') },
      "traits.__proto__",
      /not allowed/,
    ],
    [
      "101 traits",
      { keys: user, traits: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`t${i}`, i])) },
      "traits",
      /at most 100 traits; got 101/,
    ],
    ["company without keys", { keys: user, company: { name: "Acme" } }, "company.keys", /is required/],
    ["a company as a string", { keys: user, company: "acme" }, "company", /plain object/],
    [
      "a number company key",
      { keys: user, company: { keys: { id: 7 } } },
      "company.keys.id",
      /got number 7 — pass String\(7\)/,
    ],
    [
      "a nested company trait",
      { keys: user, company: { keys: { id: "c" }, traits: { plan: {} } } },
      "company.traits.plan",
      /got an object/,
    ],
    ["a body over 64 KiB", { keys: user, traits: { blob: "é".repeat(40_000) } }, "", /limit is 65536 bytes/],
    [
      "a body over 64 KiB once control characters are escaped",
      { keys: user, traits: { blob: "\u0001".repeat(11_000) } },
      "",
      /is 660\d\d bytes serialised/,
    ],
  ];
  it.each(cases)("%s", (_label, input, path, message) => {
    const issues = issuesOf(() => validateIdentify(input));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it("accepts a body just under 64 KiB, counted exactly in UTF-8 bytes of its JSON", () => {
    // 21,800 × 3 bytes = 65,400: under the limit, though a character-based guess (× 6) is far over.
    const v = validateIdentify({ keys: user, traits: { blob: "€".repeat(21_800) } });
    expect(v.traits?.blob).toHaveLength(21_800);
    expect(() => validateIdentify({ keys: user, traits: { blob: "€".repeat(21_900) } })).toThrow(
      /limit is 65536/,
    );
  });

  it("reports every issue at once and lists them in the message", () => {
    try {
      validateIdentify({ keys: { id: 1 }, company: { keys: {} }, traits: { x: Number.NaN } });
      expect.unreachable();
    } catch (error) {
      const e = error as SchematicValidationError;
      expect(e.issues.map((i) => i.path).sort()).toEqual(["company.keys", "keys.id", "traits.x"]);
      expect(e.message).toContain("keys.id: must be a string; got number 1 — pass String(1)");
      expect(e.message).toContain("company.keys: must have at least one key");
      expect(e.name).toBe("SchematicValidationError");
    }
  });
});

describe("validateIdentify accepts good input", () => {
  it("copies the input, so later mutation cannot change what is sent", () => {
    const input = {
      keys: { id: "u_1", email: "ann@example.com" },
      name: "Ann",
      traits: { role: "admin", seats: 3, active: true, manager: null },
      company: { keys: { id: "c_1" }, name: "Acme", traits: { plan: "pro" } },
    };
    const out = validateIdentify(input);
    expect(out).toEqual(input);
    input.keys.id = "changed";
    input.company.traits.plan = "free";
    expect(out.keys.id).toBe("u_1");
    expect(out.company?.traits?.plan).toBe("pro");
    expect(out.keys).not.toBe(input.keys);
  });

  it("never mutates the input", () => {
    const input = Object.freeze({
      keys: Object.freeze({ id: "u" }),
      traits: Object.freeze({ at: new Date(0) }),
    });
    expect(() => validateIdentify(input)).not.toThrow();
    expect(input.traits.at).toBeInstanceOf(Date);
  });

  it("sends a Date as its ISO string and leaves undefined traits and fields out", () => {
    const out = validateIdentify({
      keys: { id: "u" },
      name: undefined,
      traits: { at: new Date("2030-01-01T00:00:00Z"), gone: undefined },
    });
    expect(out).toEqual({ keys: { id: "u" }, traits: { at: "2030-01-01T00:00:00.000Z" } });
    expect("name" in out).toBe(false);
    expect("gone" in (out.traits ?? {})).toBe(false);
  });

  it("does not copy fields it does not know", () => {
    expect(validateIdentify({ keys: { id: "u" }, password: "secret" } as never)).toEqual({
      keys: { id: "u" },
    });
  });

  it("accepts objects without a prototype and exactly 20 keys of 255 characters", () => {
    const keys = Object.assign(Object.create(null), { id: "u" });
    expect(validateIdentify({ keys }).keys).toEqual({ id: "u" });
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v".repeat(255)]));
    expect(Object.keys(validateIdentify({ keys: many }).keys)).toHaveLength(20);
  });
});

describe("validateTrack", () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["no event", {}, "event", /is required/],
    ["an empty event", { event: "" }, "event", /must not be empty/],
    ["an over-long event", { event: "e".repeat(256) }, "event", /at most 255/],
    ["a number event", { event: 1 }, "event", /must be a string; got number 1/],
    [
      "a negative quantity",
      { event: "q", quantity: -1 },
      "quantity",
      /non-negative finite number; got number -1/,
    ],
    ["a NaN quantity", { event: "q", quantity: Number.NaN }, "quantity", /non-negative finite/],
    ["a string quantity", { event: "q", quantity: "2" }, "quantity", /got string "2"/],
    ["a bad user", { event: "q", user: { id: 5 } }, "user.id", /pass String\(5\)/],
    ["a bad company", { event: "q", company: {} }, "company", /at least one key/],
    ["an array trait", { event: "q", traits: { a: [1] } }, "traits.a", /got an array/],
  ];
  it.each(cases)("refuses %s", (_label, input, path, message) => {
    const issue = issuesOf(() => validateTrack(input)).find((i) => i.path === path);
    expect(issue).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it("accepts a full event and zero quantity", () => {
    expect(
      validateTrack({
        event: "query",
        quantity: 0,
        traits: { a: 1 },
        company: { id: "c" },
        user: { id: "u" },
      }),
    ).toEqual({ event: "query", quantity: 0, traits: { a: 1 }, company: { id: "c" }, user: { id: "u" } });
  });
});

describe("the other validators", () => {
  it("validateCompany checks keys, name and traits", () => {
    expect(validateCompany({ keys: { id: "c" }, name: "Acme" })).toEqual({ keys: { id: "c" }, name: "Acme" });
    expect(issuesOf(() => validateCompany({ keys: { id: "c" }, traits: { x: {} } }))[0]!.path).toBe(
      "traits.x",
    );
  });

  it("validateContext allows either side and refuses bad keys", () => {
    expect(validateContext({ company: { id: "c" } })).toEqual({ company: { id: "c" } });
    expect(validateContext({})).toEqual({});
    expect(issuesOf(() => validateContext({ user: { id: 1 } }))[0]!.path).toBe("user.id");
  });

  it("validateUpsertCompany converts lastSeenAt and checks updateOnly", () => {
    expect(validateUpsertCompany({ keys: { id: "c" }, lastSeenAt: new Date(0), updateOnly: true })).toEqual({
      keys: { id: "c" },
      lastSeenAt: "1970-01-01T00:00:00.000Z",
      updateOnly: true,
    });
    const issues = issuesOf(() =>
      validateUpsertCompany({ keys: { id: "c" }, lastSeenAt: "soon", updateOnly: 1 }),
    );
    expect(issues.map((i) => i.path)).toEqual(["lastSeenAt", "updateOnly"]);
  });

  it("validateUpsertUser checks company and companies", () => {
    expect(validateUpsertUser({ keys: { id: "u" }, company: { id: "c" } })).toEqual({
      keys: { id: "u" },
      company: { id: "c" },
    });
    const issues = issuesOf(() =>
      validateUpsertUser({ keys: { id: "u" }, companies: [{ id: "c" }, { id: 3 }] }),
    );
    expect(issues[0]).toEqual({
      path: "companies.1.id",
      message: "must be a string; got number 3 — pass String(3)",
    });
    expect(issuesOf(() => validateUpsertUser({ keys: { id: "u" }, companies: "c" }))[0]!.path).toBe(
      "companies",
    );
    // biome-ignore lint/suspicious/noSparseArray: a hole must be refused, not copied
    const holes = [, { id: "c" }];
    expect(issuesOf(() => validateUpsertUser({ keys: { id: "u" }, companies: holes }))[0]).toEqual({
      path: "companies.0",
      message: 'is required; pass { id: "…" }',
    });
  });

  it("validateFlagKey wants a non-empty string", () => {
    expect(validateFlagKey("my-flag")).toBe("my-flag");
    expect(issuesOf(() => validateFlagKey(""))[0]!.path).toBe("flag");
    expect(issuesOf(() => validateFlagKey(undefined))[0]!.message).toBe("is required");
  });
});

describe("validatedJson", () => {
  it("gives equal strings for equal content, whatever the key order", () => {
    const a = validateIdentify({
      keys: { id: "u", email: "e" },
      traits: { b: 1, a: 2 },
      company: { keys: { y: "1", x: "2" } },
    });
    const jsonA = validatedJson(a);
    const b = validateIdentify({
      company: { keys: { x: "2", y: "1" } },
      traits: { a: 2, b: 1 },
      keys: { email: "e", id: "u" },
    });
    expect(validatedJson(b)).toBe(jsonA);
    expect(validatedJson(a)).toBe(jsonA);
    expect(JSON.parse(jsonA)).toEqual(a);
  });

  it("tells different content apart", () => {
    const a = validatedJson(validateIdentify({ keys: { id: "u" }, traits: { a: 1 } }));
    const b = validatedJson(validateIdentify({ keys: { id: "u" }, traits: { a: 2 } }));
    expect(a).not.toBe(b);
  });
});

describe("validated once per layer", () => {
  it("takes its own latest result as it is, and validates anything else", () => {
    const v = validateIdentify({ keys: { id: "u" } });
    expect(validateIdentify(v)).toBe(v);
    const copy = { ...v };
    expect(validateIdentify(copy)).not.toBe(copy);
  });
});
