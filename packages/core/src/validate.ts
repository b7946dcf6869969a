/**
 * Input validation shared by every package, so the same input gets the same
 * answer everywhere. Each validator returns a fresh copy of what it accepted
 * (later mutation by the caller cannot change what is sent) or throws one
 * `SchematicValidationError` listing every issue with its dotted path.
 * Fields a validator does not know are not copied, so they are never sent.
 */
import { SchematicValidationError } from "./errors";
import {
  checkBoolean,
  checkKeys,
  checkObject,
  checkString,
  checkTime,
  checkTraits,
  compact,
  describe,
  type Issues,
  join,
  MAX_BODY_BYTES,
  utf8Length,
} from "./fields";
import type {
  CompanyInput,
  Context,
  IdentifyInput,
  Keys,
  TrackInput,
  UpsertCompanyInput,
  UpsertUserInput,
} from "./types";

/**
 * The identify input this module produced last: a layer above (a UI binding
 * validating during render) hands it straight to the client, which takes it
 * as it is. One slot, no WeakSet: nothing to hash or collect per call.
 */
let lastIdentify: IdentifyInput | undefined;

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
  return compact({
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
 * Validating the latest result again answers it as is: a UI binding that
 * validated during render hands it to the client without a second pass.
 */
export function validateIdentify(input: unknown): IdentifyInput {
  if (input === lastIdentify && input) return input as IdentifyInput;
  const issues: Issues = [];
  const v = root(input, issues, IDENTIFY_EXAMPLE);
  if (!v) return finish(issues, input as never);
  const out = compact({
    keys: checkKeys(v.keys, "keys", issues) as Keys,
    name: checkString(v.name, "name", issues, false),
    traits: checkTraits(v.traits, "traits", issues),
    company: v.company === undefined ? undefined : company(v.company, "company", issues),
  });
  lastIdentify = finish(issues, checkSize(out, issues));
  return out;
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
  const out = compact({
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
    // (Number.isFinite is false for anything not a number.)
    if (!(Number.isFinite(v.quantity) && (v.quantity as number) >= 0)) {
      issues.push({
        path: "quantity",
        message: `must be a non-negative finite number; got ${describe(v.quantity)}`,
      });
    } else quantity = v.quantity as number;
  }
  const out = compact({
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
    compact({
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

/**
 * The content key of the SDK: the JSON of a validated value (an identify, a
 * context). Validated maps are in sorted key order, so equal content gives an
 * equal string — the flag cache's key, the identify hook's dependency.
 *
 * @example
 * validatedJson(validateContext({ user: { b: "2", a: "1" } })); // '{"user":{"a":"1","b":"2"}}'
 */
export function validatedJson(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * At least the UTF-8 size of `value`'s JSON: a character is at most 6 bytes
 * there (`\u001f`), a number or literal at most 24. Walking is cheaper than
 * serialising, and almost every input is far under the limit.
 */
function sizeBound(value: unknown): number {
  if (typeof value === "string") return value.length * 6 + 2;
  if (typeof value !== "object" || value === null) return 24;
  let n = 2;
  for (const key in value) n += key.length * 6 + 4 + sizeBound((value as Record<string, unknown>)[key]);
  return n;
}

function checkSize<T>(value: T, issues: Issues): T {
  if (issues.length > 0 || sizeBound(value) <= MAX_BODY_BYTES) return value;
  const size = utf8Length(JSON.stringify(value));
  if (size > MAX_BODY_BYTES) {
    issues.push({
      path: "",
      message: `is ${size} bytes serialised; the limit is ${MAX_BODY_BYTES} bytes — send fewer or shorter traits`,
    });
  }
  return value;
}
