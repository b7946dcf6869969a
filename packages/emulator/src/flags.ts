/**
 * Flags answered by `POST /flags/{key}/check` and `POST /flags/check`, from a
 * small JSON document (the `--flags` file). Rules are checked in this order,
 * first match wins: user key overrides, company key overrides, trait rules,
 * then the flag's default.
 */
import type { Keys, TraitValue, WireFlagCheck } from "@schematic-sdk/core";
import { isPlainObject } from "@schematic-sdk/core";
import { stableHash } from "./ids";

/** A trait rule: when the company's (or user's) trait equals `value`, the flag is `result`. */
export interface FlagTraitRule {
  trait: string;
  value: TraitValue;
  result: boolean;
  /** Whose traits to compare. @default "company" */
  entity?: "company" | "user";
}

/** One flag. `companies` and `users` map `"keyName:value"` (e.g. `"id:demo-company"`) to a value. */
export interface FlagDefinition {
  /** @default false */
  default?: boolean;
  companies?: Record<string, boolean>;
  users?: Record<string, boolean>;
  traits?: FlagTraitRule[];
}

/**
 * The flags file: `{"flags": {"my-flag": {...}}}`; `"my-flag": true` is
 * short for `{"default": true}`.
 *
 * @example
 * ```json
 * {"flags": {"new-dashboard": {"default": false, "companies": {"id:demo-company": true},
 *   "traits": [{"trait": "plan", "value": "pro", "result": true}]}, "dark-mode": true}}
 * ```
 */
export interface FlagsConfig {
  flags: Record<string, FlagDefinition | boolean>;
}

/** What a flag is evaluated against: the given keys and, when stored, the entities they name. */
export interface FlagSubject {
  companyKeys?: Keys;
  userKeys?: Keys;
  company?: { id: string; traits: Record<string, TraitValue> };
  user?: { id: string; traits: Record<string, TraitValue> };
}

const fail = (path: string, message: string): never => {
  throw new Error(`Invalid flags config: ${path} ${message}`);
};

function checkOverrides(value: unknown, path: string): Record<string, boolean> {
  if (!isPlainObject(value)) return fail(path, 'must be an object of "keyName:value": boolean');
  for (const [entry, result] of Object.entries(value)) {
    if (entry.indexOf(":") < 1) fail(`${path}["${entry}"]`, 'must look like "keyName:value"');
    if (typeof result !== "boolean") fail(`${path}["${entry}"]`, "must be true or false");
  }
  return value as Record<string, boolean>;
}

function checkRule(value: unknown, path: string): FlagTraitRule {
  if (!isPlainObject(value)) return fail(path, "must be an object {trait, value, result}");
  if (typeof value.trait !== "string" || value.trait === "")
    fail(`${path}.trait`, "must be a non-empty string");
  const v = value.value;
  if (!(v === null || ["string", "number", "boolean"].includes(typeof v))) {
    fail(`${path}.value`, "must be a string, number, boolean or null");
  }
  if (typeof value.result !== "boolean") fail(`${path}.result`, "must be true or false");
  if (value.entity !== undefined && value.entity !== "company" && value.entity !== "user") {
    fail(`${path}.entity`, 'must be "company" or "user"');
  }
  return value as unknown as FlagTraitRule;
}

/**
 * Checks a parsed flags document and returns it typed; throws an `Error`
 * naming the bad field otherwise.
 *
 * @example
 * ```ts
 * const config = parseFlagsConfig(JSON.parse(await readFile("flags.json", "utf8")));
 * ```
 */
export function parseFlagsConfig(input: unknown): FlagsConfig {
  if (!isPlainObject(input) || !isPlainObject(input.flags)) return fail("root", 'must be {"flags": {...}}');
  const flags: Record<string, FlagDefinition | boolean> = {};
  for (const [key, definition] of Object.entries(input.flags)) {
    const path = `flags["${key}"]`;
    if (typeof definition === "boolean") {
      flags[key] = definition;
      continue;
    }
    if (!isPlainObject(definition)) fail(path, "must be a boolean or an object");
    const d = definition as Record<string, unknown>;
    if (d.default !== undefined && typeof d.default !== "boolean")
      fail(`${path}.default`, "must be true or false");
    const checked: FlagDefinition = {};
    if (d.default !== undefined) checked.default = d.default as boolean;
    if (d.companies !== undefined) checked.companies = checkOverrides(d.companies, `${path}.companies`);
    if (d.users !== undefined) checked.users = checkOverrides(d.users, `${path}.users`);
    if (d.traits !== undefined) {
      if (!Array.isArray(d.traits)) fail(`${path}.traits`, "must be an array");
      checked.traits = (d.traits as unknown[]).map((rule, i) => checkRule(rule, `${path}.traits[${i}]`));
    }
    flags[key] = checked;
  }
  return { flags };
}

function matchOverride(overrides: Record<string, boolean> | undefined, keys: Keys | undefined) {
  if (!overrides || !keys) return undefined;
  for (const name in keys) {
    const entry = `${name}:${keys[name]}`;
    const result = overrides[entry];
    if (result !== undefined) return { entry, result };
  }
  return undefined;
}

/**
 * Answers one flag for a subject, in the `WIRE.md` shape.
 *
 * @example
 * ```ts
 * evaluateFlag("beta", { flags: { beta: true } }, { companyKeys: { id: "c_1" } }).value; // true
 * ```
 */
export function evaluateFlag(key: string, config: FlagsConfig, subject: FlagSubject): WireFlagCheck {
  const base = {
    flag: key,
    company_id: subject.company?.id ?? null,
    user_id: subject.user?.id ?? null,
    feature_allocation: null,
    feature_usage: null,
    feature_usage_event: null,
    feature_usage_period: null,
    feature_usage_reset_at: null,
  };
  const found = Object.hasOwn(config.flags, key) ? config.flags[key] : undefined;
  if (found === undefined) {
    return { ...base, value: false, reason: "Flag not found", flag_id: null, rule_id: null, rule_type: null };
  }
  const flagId = `flag_${stableHash(key)}`;
  const answer = (value: boolean, reason: string, ruleType: string, rule: string): WireFlagCheck => ({
    ...base,
    value,
    reason,
    flag_id: flagId,
    rule_id: `rule_${stableHash(`${key}\u0000${rule}`)}`,
    rule_type: ruleType,
  });
  const definition: FlagDefinition = typeof found === "boolean" ? { default: found } : found;

  const user = matchOverride(definition.users, subject.userKeys);
  if (user)
    return answer(user.result, `Matched user override ${user.entry}`, "standard", `user:${user.entry}`);
  const company = matchOverride(definition.companies, subject.companyKeys);
  if (company) {
    return answer(
      company.result,
      `Matched company override ${company.entry}`,
      "company_override",
      `company:${company.entry}`,
    );
  }
  for (const [i, rule] of (definition.traits ?? []).entries()) {
    const entity = rule.entity === "user" ? subject.user : subject.company;
    if (entity && Object.hasOwn(entity.traits, rule.trait) && entity.traits[rule.trait] === rule.value) {
      const reason = `Matched trait rule ${rule.entity ?? "company"}.${rule.trait} = ${JSON.stringify(rule.value)}`;
      return answer(rule.result, reason, "standard", `trait:${i}`);
    }
  }
  return answer(definition.default ?? false, "No rule matched; flag default", "default", "default");
}
