/**
 * The bad-input matrix: invalid values for every field the public entry
 * points take, each with the dotted path its error must name. Shared by the
 * browser, React and Node matrices so one input gets one answer everywhere.
 */

import {
  isSchematicConfigError,
  isSchematicValidationError,
  type SchematicValidationError,
} from "@schematic-sdk/core";
import { expect } from "vitest";

/** One invalid input: what it is, the value, and the path the error must carry (`""` for the input as a whole). */
export interface BadCase {
  label: string;
  input: unknown;
  path: string;
  /** For whole-input and size errors (no field path): a word the message must contain. */
  hint?: string;
}

const own = (json: string) => JSON.parse(json) as Record<string, unknown>;
class Plan {
  tier = "pro";
}
const cyclic = () => {
  const traits: Record<string, unknown> = {};
  traits.self = traits;
  return traits;
};
const many = (n: number, value: (i: number) => unknown) =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value(i)]));

/** Invalid key maps, path relative to the key map. */
export const badKeyMaps: Array<[label: string, value: unknown, sub: string]> = [
  ["a string", "c_1", ""],
  ["a number", 5, ""],
  ["an array", [], ""],
  ["an array of pairs", [["id", "c_1"]], ""],
  ["a Map", new Map([["id", "c_1"]]), ""],
  ["a class instance", new Plan(), ""],
  ["no keys", {}, ""],
  ["21 keys", many(21, (i) => `v${i}`), ""],
  ["an empty key name", { "": "x" }, ""],
  ["a 256-character key name", { ["k".repeat(256)]: "x" }, `.${"k".repeat(20)}`],
  ["a number value", { id: 5 }, ".id"],
  ["a bigint value", { id: 5n }, ".id"],
  ["an empty value", { id: "" }, ".id"],
  ["a 256-character value", { id: "x".repeat(256) }, ".id"],
  ["a null value", { id: null }, ".id"],
  ["a boolean value", { id: true }, ".id"],
  ["an object value", { id: { nested: "x" } }, ".id"],
  ["an array value", { id: ["x"] }, ".id"],
  ["a boxed string value", { id: new String("x") }, ".id"],
  ["a second key that is a number", { id: "ok", email: 7 }, ".email"],
  ["__proto__ as a key name", own('{"__proto__":"x"}'), ".__proto__"],
  ["constructor as a key name", { constructor: "x" }, ".constructor"],
  ["prototype as a key name", { prototype: "x" }, ".prototype"],
];

/** Invalid traits, path relative to the traits object. */
export const badTraits: Array<[label: string, value: unknown, sub: string]> = [
  ["a string", "pro", ""],
  ["null", null, ""],
  ["an array", [], ""],
  ["a Map", new Map(), ""],
  ["101 traits", many(101, (i) => i), ""],
  ["an empty trait name", { "": 1 }, ""],
  ["a 256-character trait name", { ["t".repeat(256)]: 1 }, `.${"t".repeat(20)}`],
  ["a nested object", { plan: { tier: 1 } }, ".plan"],
  ["an array value", { plan: [1] }, ".plan"],
  ["NaN", { n: Number.NaN }, ".n"],
  ["Infinity", { n: Number.POSITIVE_INFINITY }, ".n"],
  ["-Infinity", { n: Number.NEGATIVE_INFINITY }, ".n"],
  ["a bigint", { n: 1n }, ".n"],
  ["a function", { f: () => 1 }, ".f"],
  ["a symbol", { s: Symbol("x") }, ".s"],
  ["an invalid Date", { d: new Date(Number.NaN) }, ".d"],
  ["a class instance", { cls: new Plan() }, ".cls"],
  ["a cycle", cyclic(), ".self"],
  ["a Map value", { m: new Map() }, ".m"],
  ["a RegExp value", { r: /x/ }, ".r"],
  ["a boxed string value", { b: new String("x") }, ".b"],
  ["__proto__ as a trait name", own('{"__proto__":1}'), ".__proto__"],
  ["constructor as a trait name", { constructor: 1 }, ".constructor"],
  ["prototype as a trait name", { prototype: 1 }, ".prototype"],
];

const join = (prefix: string, sub: string) => (prefix ? `${prefix}${sub}` : sub.replace(/^\./, ""));

/** Key-map cases placed at `prefix` of `base` (e.g. `company.keys`). */
function keysAt(prefix: string, build: (keys: unknown) => unknown): BadCase[] {
  return badKeyMaps.map(([label, value, sub]) => ({
    label: `${prefix}: ${label}`,
    input: build(value),
    path: join(prefix, sub),
  }));
}

function traitsAt(prefix: string, build: (traits: unknown) => unknown): BadCase[] {
  return badTraits.map(([label, value, sub]) => ({
    label: `${prefix}: ${label}`,
    input: build(value),
    path: join(prefix, sub),
  }));
}

const notObjects = (hint: string): BadCase[] =>
  (
    [
      ["undefined", undefined],
      ["null", null],
      ["a string", "user-1"],
      ["a number", 42],
      ["an array", []],
      ["a Map", new Map()],
    ] as const
  ).map(([label, input]) => ({ label: `input: ${label}`, input, path: "", hint }));

const oversize = { big: "x".repeat(70_000) };
const user = { id: "u_1" };
const company = { id: "c_1" };

/** `identify` / `useSchematicIdentify` / the provider's `identify` prop. */
export const badIdentify: BadCase[] = [
  ...notObjects("keys"),
  { label: "keys: missing", input: {}, path: "keys" },
  { label: "keys: null", input: { keys: null }, path: "keys" },
  ...keysAt("keys", (keys) => ({ keys })),
  { label: "name: a number", input: { keys: user, name: 5 }, path: "name" },
  { label: "name: null", input: { keys: user, name: null }, path: "name" },
  { label: "name: 256 characters", input: { keys: user, name: "n".repeat(256) }, path: "name" },
  ...traitsAt("traits", (traits) => ({ keys: user, traits })),
  { label: "company: a string", input: { keys: user, company: "acme" }, path: "company" },
  { label: "company: null", input: { keys: user, company: null }, path: "company" },
  { label: "company: keys missing", input: { keys: user, company: {} }, path: "company.keys" },
  ...keysAt("company.keys", (keys) => ({ keys: user, company: { keys } })),
  {
    label: "company.name: a number",
    input: { keys: user, company: { keys: company, name: 7 } },
    path: "company.name",
  },
  ...traitsAt("company.traits", (traits) => ({ keys: user, company: { keys: company, traits } })),
  { label: "over 64 KiB serialised", input: { keys: user, traits: oversize }, path: "", hint: "bytes" },
];

/** `track`. */
export const badTrack: BadCase[] = [
  ...notObjects("event"),
  { label: "event: missing", input: {}, path: "event" },
  { label: "event: empty", input: { event: "" }, path: "event" },
  { label: "event: a number", input: { event: 5 }, path: "event" },
  { label: "event: null", input: { event: null }, path: "event" },
  { label: "event: an array", input: { event: ["query"] }, path: "event" },
  { label: "event: 256 characters", input: { event: "e".repeat(256) }, path: "event" },
  ...(
    [
      ["negative", -1],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
      ["a string", "2"],
      ["null", null],
      ["a bigint", 2n],
      ["an object", { n: 2 }],
    ] as const
  ).map(([label, quantity]) => ({
    label: `quantity: ${label}`,
    input: { event: "query", quantity },
    path: "quantity",
  })),
  ...traitsAt("traits", (traits) => ({ event: "query", traits })),
  ...keysAt("company", (keys) => ({ event: "query", company: keys })),
  ...keysAt("user", (keys) => ({ event: "query", user: keys })),
  { label: "over 64 KiB serialised", input: { event: "query", traits: oversize }, path: "", hint: "bytes" },
];

const badTimes: Array<[string, unknown]> = [
  ["not a date", "not a date"],
  ["a number", 5],
  ["an invalid Date", new Date(Number.NaN)],
  ["an object", {}],
  ["null", null],
];
const badBooleans: Array<[string, unknown]> = [
  ["a string", "yes"],
  ["a number", 1],
  ["null", null],
];

/** `upsertCompany` (Node). */
export const badUpsertCompany: BadCase[] = [
  ...notObjects("keys"),
  { label: "keys: missing", input: {}, path: "keys" },
  ...keysAt("keys", (keys) => ({ keys })),
  { label: "name: a number", input: { keys: company, name: 5 }, path: "name" },
  { label: "name: 256 characters", input: { keys: company, name: "n".repeat(256) }, path: "name" },
  ...traitsAt("traits", (traits) => ({ keys: company, traits })),
  ...badTimes.map(([label, lastSeenAt]) => ({
    label: `lastSeenAt: ${label}`,
    input: { keys: company, lastSeenAt },
    path: "lastSeenAt",
  })),
  ...badBooleans.map(([label, updateOnly]) => ({
    label: `updateOnly: ${label}`,
    input: { keys: company, updateOnly },
    path: "updateOnly",
  })),
  { label: "over 64 KiB serialised", input: { keys: company, traits: oversize }, path: "", hint: "bytes" },
];

/** `upsertUser` (Node). */
export const badUpsertUser: BadCase[] = [
  ...notObjects("keys"),
  { label: "keys: missing", input: {}, path: "keys" },
  ...keysAt("keys", (keys) => ({ keys })),
  { label: "name: a number", input: { keys: user, name: 5 }, path: "name" },
  ...traitsAt("traits", (traits) => ({ keys: user, traits })),
  ...keysAt("company", (keys) => ({ keys: user, company: keys })),
  { label: "companies: a key map, not a list", input: { keys: user, companies: company }, path: "companies" },
  { label: "companies: a string", input: { keys: user, companies: "c_1" }, path: "companies" },
  ...keysAt("companies.1", (keys) => ({ keys: user, companies: [company, keys] })),
  ...badTimes.map(([label, lastSeenAt]) => ({
    label: `lastSeenAt: ${label}`,
    input: { keys: user, lastSeenAt },
    path: "lastSeenAt",
  })),
  ...badBooleans.map(([label, updateOnly]) => ({
    label: `updateOnly: ${label}`,
    input: { keys: user, updateOnly },
    path: "updateOnly",
  })),
  { label: "over 64 KiB serialised", input: { keys: user, traits: oversize }, path: "", hint: "bytes" },
];

/** `setContext` (and the browser's `bootstrap.context`). */
export const badContext: BadCase[] = [
  ...notObjects("company").filter((c) => c.input !== undefined),
  ...keysAt("company", (keys) => ({ company: keys })),
  ...keysAt("user", (keys) => ({ company, user: keys })),
];

const notStrings: Array<[string, unknown]> = [
  ["undefined", undefined],
  ["null", null],
  ["0", 0],
  ["42", 42],
  ["-0", -0],
  ["NaN", Number.NaN],
  ["Infinity", Number.POSITIVE_INFINITY],
  ["true", true],
  ["false", false],
  ["an object", {}],
  ["an object with a key", { key: "my-flag" }],
  ["an array", []],
  ["an array of a string", ["my-flag"]],
  ["a symbol", Symbol("my-flag")],
  ["a bigint", 1n],
  ["a function", () => "my-flag"],
  ["a boxed string", new String("my-flag")],
  ["a boxed number", new Number(1)],
  ["a boxed boolean", new Boolean(true)],
  ["a WeakMap", new WeakMap()],
  ["a Date", new Date(0)],
  ["a RegExp", /my-flag/],
  ["a Map", new Map()],
  ["a Set", new Set(["my-flag"])],
  ["a Uint8Array", new Uint8Array([1])],
  ["an Error", new Error("my-flag")],
  ["a null-prototype object", Object.create(null)],
  ["a class instance", new Plan()],
  ["a Promise", Promise.resolve("my-flag")],
];

/** Flag keys (`checkFlag`, `useSchematicFlag`). */
export const badFlagKeys: BadCase[] = [
  ...notStrings.map(([label, input]) => ({ label: `flag: ${label}`, input, path: "flag" })),
  { label: "flag: empty", input: "", path: "flag" },
  ...[256, 300, 1_000, 10_000, 65_536].map((n) => ({
    label: `flag: ${n} characters`,
    input: "f".repeat(n),
    path: "flag",
  })),
  { label: "flag: 256 × é", input: "é".repeat(256), path: "flag" },
  { label: "flag: 128 emoji (256 UTF-16 units)", input: "🚩".repeat(128), path: "flag" },
  { label: "flag: 256 spaces", input: " ".repeat(256), path: "flag" },
  { label: "flag: 256 NUL characters", input: "\u0000".repeat(256), path: "flag" },
  { label: "flag: 256 slashes", input: "/".repeat(256), path: "flag" },
  { label: "flag: a 256-character path-like key", input: `a/b?c#${"d".repeat(250)}`, path: "flag" },
];

/** Secret keys of every kind, refused by the browser client. */
export const secretKeys = [
  "sch_dev_x",
  "sch_prod_0123456789abcdef",
  "sch_stag_x",
  "sch_x",
  "sch_live_x",
  "sch_ ",
];

/** Keys that are not strings at all, or empty: refused by every client. */
export const notKeys: Array<[string, unknown]> = [["an empty string", ""], ...notStrings];

/** Asserts a `SchematicValidationError` that names `path` (or holds `hint` when the input as a whole is wrong). */
export function expectValidationError(error: unknown, c: Pick<BadCase, "label" | "path" | "hint">): void {
  const where = `case "${c.label}"`;
  expect(isSchematicValidationError(error), `${where}: got ${String(error)}`).toBe(true);
  const e = error as SchematicValidationError;
  expect(e.name, where).toBe("SchematicValidationError");
  expect(
    e.issues.map((i) => i.path),
    where,
  ).toContain(c.path);
  if (c.path) expect(e.message, where).toContain(`${c.path}:`);
  if (c.hint) expect(e.message, where).toContain(c.hint);
}

/** Asserts a `SchematicConfigError` whose message says which key is needed. */
export function expectConfigError(error: unknown, label: string, needle: RegExp): void {
  expect(isSchematicConfigError(error), `case "${label}": got ${String(error)}`).toBe(true);
  expect((error as Error).message, `case "${label}"`).toMatch(needle);
}

/** Runs `call`, which must fail synchronously or with a rejected promise; returns what it threw. */
export async function failure(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return new Error("did not fail");
}
