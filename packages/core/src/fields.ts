/**
 * The field checks every validator is built from: each pushes issues (with
 * their dotted path and what to do) and returns a fresh copy of what it
 * accepted. Maps are copied in sorted key order, so the JSON of a validated
 * value is canonical.
 */
import type { ValidationIssue } from "./errors";
import type { Keys, Traits } from "./types";

const MAX_KEYS = 20;
const MAX_TRAITS = 100;
const MAX_STRING = 255;
/** Serialised size of one event or request body, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024;

export const LIMITS = /* @__PURE__ */ Object.freeze({
  maxKeys: MAX_KEYS,
  maxTraits: MAX_TRAITS,
  maxStringLength: MAX_STRING,
  /** Serialised size of one event or request body, in bytes. */
  maxBodyBytes: MAX_BODY_BYTES,
});

/** Names no key, trait or map entry may have (they would reach an object's prototype). */
export const RESERVED_NAMES: ReadonlySet<string> = /* @__PURE__ */ new Set([
  "__proto__",
  "constructor",
  "prototype",
]);

export type Issues = ValidationIssue[];

export const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** Describes a value for a message: `number 42`, `an array`, `a Map`. */
export function describe(value: unknown): string {
  if (value == null) return `${value}`;
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "number":
    case "boolean":
    case "bigint":
      return `${typeof value} ${value}`;
    case "object": {
      const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor
        ?.name;
      return ctor && ctor !== "Object" ? `a ${ctor}` : "an object";
    }
    default:
      return `a ${typeof value}`;
  }
}

/**
 * `value`'s defined members only, so omitted fields stay omitted (and are
 * never sent as null). Takes a fresh object (a literal): one with no
 * undefined member is returned as it is.
 */
export function compact<T extends object>(value: T): T {
  // Most values have every member: then the fresh value is the copy (copying key by key is the slow part).
  for (const key in value) {
    if (value[key] !== undefined) continue;
    const out = {} as T;
    for (const name in value) if (value[name] !== undefined) out[name] = value[name];
    return out;
  }
  return value;
}

/** A plain `{}` object from any realm: not an array, class instance, Map or Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function checkName(name: string, path: string, issues: Issues, what: string): boolean {
  if (RESERVED_NAMES.has(name)) {
    issues.push({ path: join(path, name), message: `"${name}" is not allowed as a ${what} name; rename it` });
    return false;
  }
  if (name.length === 0) {
    issues.push({ path, message: `${what} names must not be empty` });
    return false;
  }
  if (name.length > MAX_STRING) {
    issues.push({
      path: join(path, name.slice(0, 20)),
      message: `${what} names must be at most ${MAX_STRING} characters; got ${name.length}`,
    });
    return false;
  }
  return true;
}

/**
 * Own keys in sorted order. Validated maps are built in this order, so the
 * JSON of a validated value is canonical: equal content, equal string.
 */
function sortedKeys(value: object): string[] {
  const names = Object.keys(value);
  return names.length > 1 ? names.sort() : names;
}

export function checkObject(value: unknown, path: string, issues: Issues, example: string): value is object {
  if (isPlainObject(value)) return true;
  issues.push({
    path,
    message:
      value === undefined
        ? `is required; pass ${example}`
        : `must be a plain object like ${example}; got ${describe(value)}`,
  });
  return false;
}

/** Validates a key map: 1–20 entries, non-empty string names and values of at most 255 characters. */
export function checkKeys(value: unknown, path: string, issues: Issues): Keys | undefined {
  if (!checkObject(value, path, issues, '{ id: "…" }')) return undefined;
  const names = sortedKeys(value);
  if (names.length === 0) {
    issues.push({ path, message: 'must have at least one key, e.g. { id: "…" }' });
    return undefined;
  }
  if (names.length > MAX_KEYS) {
    issues.push({ path, message: `must have at most ${MAX_KEYS} keys; got ${names.length}` });
    return undefined;
  }
  const out: Keys = {};
  const before = issues.length;
  for (const name of names) {
    if (!checkName(name, path, issues, "key")) continue;
    const checked = checkString((value as Record<string, unknown>)[name], join(path, name), issues, true);
    if (checked !== undefined) out[name] = checked;
  }
  return issues.length === before ? out : undefined;
}

/** Validates traits: at most 100 entries of string, finite number, boolean or null. */
export function checkTraits(value: unknown, path: string, issues: Issues): Traits | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(value, path, issues, '{ plan: "pro" }')) return undefined;
  const names = sortedKeys(value);
  if (names.length > MAX_TRAITS) {
    issues.push({ path, message: `must have at most ${MAX_TRAITS} traits; got ${names.length}` });
    return undefined;
  }
  const out: Traits = {};
  for (const name of names) {
    if (!checkName(name, path, issues, "trait")) continue;
    const v = (value as Record<string, unknown>)[name];
    if (v === undefined) continue;
    if (typeof v === "string" || typeof v === "boolean" || v === null || Number.isFinite(v)) {
      out[name] = v as string;
      continue;
    }
    const at = join(path, name);
    if (typeof v === "number") {
      issues.push({ path: at, message: `must be a finite number; got ${v}` });
    } else if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) issues.push({ path: at, message: "is an invalid Date" });
      else out[name] = v.toISOString();
    } else {
      const hint = typeof v === "bigint" ? ` — pass Number(${v}n) or String(${v}n)` : "";
      issues.push({
        path: at,
        message: `must be a string, finite number, boolean or null; got ${describe(v)}${hint}`,
      });
    }
  }
  return out;
}

export function checkString(
  value: unknown,
  path: string,
  issues: Issues,
  required: boolean,
): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string") {
    const hint = typeof value === "number" || typeof value === "bigint" ? ` — pass String(${value})` : "";
    issues.push({
      path,
      message: value === undefined ? "is required" : `must be a string; got ${describe(value)}${hint}`,
    });
  } else if (required && value.length === 0) {
    issues.push({ path, message: "must not be empty" });
  } else if (value.length > MAX_STRING) {
    issues.push({
      path,
      message: `must be at most ${MAX_STRING} characters; got ${value.length}`,
    });
  } else return value;
  return undefined;
}

export function checkTime(value: unknown, path: string, issues: Issues): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  if (date && !Number.isNaN(date.getTime())) return date.toISOString();
  issues.push({ path, message: `must be a Date or an ISO-8601 string; got ${describe(value)}` });
  return undefined;
}

export function checkBoolean(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  issues.push({ path, message: `must be a boolean; got ${describe(value)}` });
  return undefined;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** UTF-8 size of a string, in bytes. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
