/**
 * Input validation shared by every package, so the same input gets the same
 * answer everywhere. Each validator returns a fresh copy of what it accepted
 * (later mutation by the caller cannot change what is sent) or throws one
 * `SchematicValidationError` listing every issue with its dotted path.
 * Fields a validator does not know are not copied, so they are never sent.
 */
import { SchematicValidationError, type ValidationIssue } from "./errors";
import type {
  CompanyInput,
  Context,
  IdentifyInput,
  Keys,
  TrackInput,
  Traits,
  UpsertCompanyInput,
  UpsertUserInput,
} from "./types";

export const LIMITS = Object.freeze({
  maxKeys: 20,
  maxTraits: 100,
  maxStringLength: 255,
  /** Serialised size of one event or request body, in bytes. */
  maxBodyBytes: 64 * 1024,
});

const FORBIDDEN_NAMES = new Set(["__proto__", "constructor", "prototype"]);

type Issues = ValidationIssue[];

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

/** Describes a value for a message: `number 42`, `an array`, `a Map`. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "number":
    case "boolean":
      return `${typeof value} ${String(value)}`;
    case "bigint":
      return `bigint ${String(value)}n`;
    case "object": {
      const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor
        ?.name;
      return ctor && ctor !== "Object" ? `a ${ctor}` : "an object";
    }
    default:
      return `a ${typeof value}`;
  }
}

/** A plain `{}` object from any realm: not an array, class instance, Map or Date. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function checkName(name: string, path: string, issues: Issues, what: string): boolean {
  if (FORBIDDEN_NAMES.has(name)) {
    issues.push({ path: join(path, name), message: `"${name}" is not allowed as a ${what} name; rename it` });
    return false;
  }
  if (name.length === 0) {
    issues.push({ path, message: `${what} names must not be empty` });
    return false;
  }
  if (name.length > LIMITS.maxStringLength) {
    issues.push({
      path: join(path, name.slice(0, 20)),
      message: `${what} names must be at most ${LIMITS.maxStringLength} characters; got ${name.length}`,
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

function checkObject(value: unknown, path: string, issues: Issues, example: string): value is object {
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
function checkKeys(value: unknown, path: string, issues: Issues): Keys | undefined {
  if (!checkObject(value, path, issues, '{ id: "…" }')) return undefined;
  const names = sortedKeys(value);
  if (names.length === 0) {
    issues.push({ path, message: 'must have at least one key, e.g. { id: "…" }' });
    return undefined;
  }
  if (names.length > LIMITS.maxKeys) {
    issues.push({ path, message: `must have at most ${LIMITS.maxKeys} keys; got ${names.length}` });
    return undefined;
  }
  const out: Keys = {};
  const before = issues.length;
  for (const name of names) {
    if (!checkName(name, path, issues, "key")) continue;
    const v = (value as Record<string, unknown>)[name];
    const at = join(path, name);
    if (typeof v !== "string") {
      const hint = typeof v === "number" || typeof v === "bigint" ? ` — pass String(${String(v)})` : "";
      issues.push({ path: at, message: `must be a string; got ${describe(v)}${hint}` });
    } else if (v.length === 0) {
      issues.push({ path: at, message: "must not be empty" });
    } else if (v.length > LIMITS.maxStringLength) {
      issues.push({
        path: at,
        message: `must be at most ${LIMITS.maxStringLength} characters; got ${v.length}`,
      });
    } else {
      out[name] = v;
    }
  }
  return issues.length === before ? out : undefined;
}

/** Validates traits: at most 100 entries of string, finite number, boolean or null. */
function checkTraits(value: unknown, path: string, issues: Issues): Traits | undefined {
  if (value === undefined) return undefined;
  if (!checkObject(value, path, issues, '{ plan: "pro" }')) return undefined;
  const names = sortedKeys(value);
  if (names.length > LIMITS.maxTraits) {
    issues.push({ path, message: `must have at most ${LIMITS.maxTraits} traits; got ${names.length}` });
    return undefined;
  }
  const out: Traits = {};
  for (const name of names) {
    if (!checkName(name, path, issues, "trait")) continue;
    const v = (value as Record<string, unknown>)[name];
    const at = join(path, name);
    if (v === undefined) continue;
    if (typeof v === "string" || typeof v === "boolean" || v === null) out[name] = v;
    else if (typeof v === "number") {
      if (Number.isFinite(v)) out[name] = v;
      else issues.push({ path: at, message: `must be a finite number; got ${String(v)}` });
    } else if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) issues.push({ path: at, message: "is an invalid Date" });
      else out[name] = v.toISOString();
    } else {
      const hint = typeof v === "bigint" ? ` — pass Number(${String(v)}n) or String(${String(v)}n)` : "";
      issues.push({
        path: at,
        message: `must be a string, finite number, boolean or null; got ${describe(v)}${hint}`,
      });
    }
  }
  return out;
}

function checkString(value: unknown, path: string, issues: Issues, required: boolean): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== "string") {
    issues.push({
      path,
      message: value === undefined ? "is required" : `must be a string; got ${describe(value)}`,
    });
  } else if (required && value.length === 0) {
    issues.push({ path, message: "must not be empty" });
  } else if (value.length > LIMITS.maxStringLength) {
    issues.push({
      path,
      message: `must be at most ${LIMITS.maxStringLength} characters; got ${value.length}`,
    });
  } else return value;
  return undefined;
}

/** Copies the defined members only, so omitted fields stay omitted. */
function defined<T extends object>(value: T): T {
  const out = {} as T;
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

function finish<T>(issues: Issues, value: T): T {
  if (issues.length > 0) throw new SchematicValidationError(issues);
  return value;
}

function root(input: unknown, issues: Issues, example: string): Record<string, unknown> | undefined {
  return checkObject(input, "", issues, example) ? (input as Record<string, unknown>) : undefined;
}

function company(value: unknown, path: string, issues: Issues): CompanyInput | undefined {
  if (!checkObject(value, path, issues, '{ keys: { id: "…" } }')) return undefined;
  const c = value as Record<string, unknown>;
  return defined({
    keys: checkKeys(c.keys, join(path, "keys"), issues) as Keys,
    name: checkString(c.name, join(path, "name"), issues, false),
    traits: checkTraits(c.traits, join(path, "traits"), issues),
  });
}

const IDENTIFY_EXAMPLE = '{ keys: { id: "user-1" }, company: { keys: { id: "company-1" } } }';

/**
 * Validates `identify` input: the user at the top level, an optional company.
 * The result is also the wire `body` of the identify event as it stands
 * (`toWireIdentifyBody` returns an equal object), so callers may send it as is.
 */
export function validateIdentify(input: unknown): IdentifyInput {
  const issues: Issues = [];
  const v = root(input, issues, IDENTIFY_EXAMPLE);
  if (!v) return finish(issues, input as never);
  const out = defined({
    keys: checkKeys(v.keys, "keys", issues) as Keys,
    name: checkString(v.name, "name", issues, false),
    traits: checkTraits(v.traits, "traits", issues),
    company: v.company === undefined ? undefined : company(v.company, "company", issues),
  });
  return finish(issues, checkSize(out, issues));
}

/** Validates a company on its own (`{ keys, name?, traits? }`). */
export function validateCompany(input: unknown): CompanyInput {
  const issues: Issues = [];
  const out = company(input, "", issues);
  return finish(issues, out && checkSize(out, issues)) as CompanyInput;
}

/** Validates `upsertCompany` input. */
export function validateUpsertCompany(input: unknown): UpsertCompanyInput {
  const issues: Issues = [];
  const out = company(input, "", issues) as UpsertCompanyInput | undefined;
  if (out) {
    const v = input as Record<string, unknown>;
    const lastSeenAt = checkTime(v.lastSeenAt, "lastSeenAt", issues);
    if (lastSeenAt !== undefined) out.lastSeenAt = lastSeenAt;
    const updateOnly = checkBoolean(v.updateOnly, "updateOnly", issues);
    if (updateOnly !== undefined) out.updateOnly = updateOnly;
    checkSize(out, issues);
  }
  return finish(issues, out as UpsertCompanyInput);
}

/** Validates `upsertUser` input. */
export function validateUpsertUser(input: unknown): UpsertUserInput {
  const issues: Issues = [];
  const v = root(input, issues, '{ keys: { id: "user-1" }, company: { id: "company-1" } }');
  if (!v) return finish(issues, input as never);
  let companies: Keys[] | undefined;
  if (v.companies !== undefined) {
    if (!Array.isArray(v.companies)) {
      issues.push({
        path: "companies",
        message: `must be an array of key maps; got ${describe(v.companies)}`,
      });
    } else {
      // Array.from visits holes too (map would skip them and leave holes in the copy).
      companies = Array.from(v.companies, (c, i) => checkKeys(c, `companies.${i}`, issues) as Keys);
    }
  }
  const out = defined({
    keys: checkKeys(v.keys, "keys", issues) as Keys,
    name: checkString(v.name, "name", issues, false),
    traits: checkTraits(v.traits, "traits", issues),
    company: v.company === undefined ? undefined : checkKeys(v.company, "company", issues),
    companies,
    lastSeenAt: checkTime(v.lastSeenAt, "lastSeenAt", issues),
    updateOnly: checkBoolean(v.updateOnly, "updateOnly", issues),
  });
  return finish(issues, checkSize(out, issues));
}

/** Validates `track` input. */
export function validateTrack(input: unknown): TrackInput {
  const issues: Issues = [];
  const v = root(input, issues, '{ event: "query" }');
  if (!v) return finish(issues, input as never);
  let quantity: number | undefined;
  if (v.quantity !== undefined) {
    if (typeof v.quantity !== "number" || !Number.isFinite(v.quantity) || v.quantity < 0) {
      issues.push({
        path: "quantity",
        message: `must be a non-negative finite number; got ${describe(v.quantity)}`,
      });
    } else quantity = v.quantity;
  }
  const out = defined({
    event: checkString(v.event, "event", issues, true) as string,
    traits: checkTraits(v.traits, "traits", issues),
    quantity,
    company: v.company === undefined ? undefined : checkKeys(v.company, "company", issues),
    user: v.user === undefined ? undefined : checkKeys(v.user, "user", issues),
  });
  return finish(issues, checkSize(out, issues));
}

/** Validates a context (`{ company?: Keys, user?: Keys }`). */
export function validateContext(input: unknown): Context {
  const issues: Issues = [];
  const v = root(input, issues, '{ company: { id: "company-1" }, user: { id: "user-1" } }');
  if (!v) return finish(issues, input as never);
  return finish(
    issues,
    defined({
      company: v.company == null ? undefined : checkKeys(v.company, "company", issues),
      user: v.user == null ? undefined : checkKeys(v.user, "user", issues),
    }),
  );
}

/** Validates a flag key (the `{key}` of `/flags/{key}/check`). */
export function validateFlagKey(key: unknown): string {
  const issues: Issues = [];
  return finish(issues, checkString(key, "flag", issues, true) as string);
}

function checkTime(value: unknown, path: string, issues: Issues): string | undefined {
  if (value === undefined) return undefined;
  const date = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
  if (date && !Number.isNaN(date.getTime())) return date.toISOString();
  issues.push({ path, message: `must be a Date or an ISO-8601 string; got ${describe(value)}` });
  return undefined;
}

function checkBoolean(value: unknown, path: string, issues: Issues): boolean | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  issues.push({ path, message: `must be a boolean; got ${describe(value)}` });
  return undefined;
}

const encoder = /* @__PURE__ */ new TextEncoder();

/** UTF-8 size of a string, in bytes. */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

/** The last value validated and its JSON, serialised anyway to check its size. */
let lastValue: unknown;
let lastJson = "";

/**
 * The JSON of a validated value. Its maps are in sorted key order, so equal
 * content gives an equal string (a dedupe or cache key); right after
 * validation it costs nothing, since validation serialised it already.
 */
export function validatedJson(value: unknown): string {
  return value === lastValue && value !== undefined ? lastJson : JSON.stringify(value);
}

function checkSize<T>(value: T, issues: Issues): T {
  if (issues.length > 0) return value;
  const json = JSON.stringify(value);
  // A UTF-16 unit is at most 3 UTF-8 bytes: short bodies need no encoding.
  const size = json.length * 3 <= LIMITS.maxBodyBytes ? json.length : utf8Length(json);
  if (size > LIMITS.maxBodyBytes) {
    issues.push({
      path: "",
      message: `is ${size} bytes serialised; the limit is ${LIMITS.maxBodyBytes} bytes — send fewer or shorter traits`,
    });
  } else {
    lastValue = value;
    lastJson = json;
  }
  return value;
}
