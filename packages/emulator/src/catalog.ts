/**
 * The catalog: features, plans with their entitlements, which plan each
 * company is on, and per-company overrides (the `--catalog` file). A bad
 * catalog is refused whole, with the path of the bad field and what to
 * write instead.
 */
import { isPlainObject, LIMITS } from "@schematic-sdk/core";
import { PERIODS, type Period } from "./periods";

/** A feature; its key (in `features`) is its flag's key. */
export type FeatureDefinition =
  | { type: "boolean" }
  /** Metered by the `quantity` of track events named `event`. */
  | { type: "event"; event: string }
  /** Its usage is the company's `trait` value (a number). */
  | { type: "trait"; trait: string };

/**
 * What a plan (or an override) grants for one feature: on/off, a numeric
 * allocation (with a period for event features), or `"unlimited"`.
 */
export type EntitlementValue = boolean | "unlimited" | { allocation: number; period?: Period };

/** A plan: its display name and what it entitles. */
export interface PlanDefinition {
  name: string;
  entitlements?: Record<string, EntitlementValue>;
}

/** A company named by one key (`"id:acme"`): its plan and overrides. */
export interface CompanyAssignment {
  plan?: string;
  overrides?: Record<string, EntitlementValue>;
}

/**
 * The catalog document.
 *
 * @example
 * ```json
 * {"features": {"queries": {"type": "event", "event": "query"}, "sso": {"type": "boolean"}},
 *  "plans": {"free": {"name": "Free", "entitlements": {"queries": {"allocation": 3, "period": "current_month"}}},
 *            "pro": {"name": "Pro", "entitlements": {"queries": "unlimited", "sso": true}}},
 *  "defaultPlan": "free", "planTrait": "plan"}
 * ```
 */
export interface Catalog {
  features: Record<string, FeatureDefinition>;
  plans: Record<string, PlanDefinition>;
  /** The plan of a company that `companies` and `planTrait` do not place. */
  defaultPlan?: string;
  /** The company trait naming its plan (`traits: { plan: "pro" }`). */
  planTrait?: string;
  /** `"keyName:value"` → plan and overrides. */
  companies?: Record<string, CompanyAssignment>;
}

/** A catalog that cannot be used; `path` names the bad field. */
export class CatalogError extends Error {
  override readonly name = "CatalogError";
  readonly path: string;
  constructor(path: string, message: string) {
    super(`Invalid catalog: ${path}: ${message}`);
    this.path = path;
  }
}

const got = (value: unknown): string =>
  value === undefined ? "nothing" : Array.isArray(value) ? "an array" : JSON.stringify(value);

const fail = (path: string, message: string, value: unknown): never => {
  throw new CatalogError(path, `${message}; got ${got(value)}`);
};

/** Reads an own property (no prototype lookups: a feature called `constructor` is just a missing one). */
const own = <T>(map: Record<string, T> | undefined, key: string): T | undefined =>
  map && Object.hasOwn(map, key) ? map[key] : undefined;

export { own as ownEntry };

function name(value: unknown, path: string, what: string): string {
  if (typeof value !== "string" || value === "" || value.length > LIMITS.maxStringLength) {
    fail(path, `must be a non-empty string of at most ${LIMITS.maxStringLength} characters (${what})`, value);
  }
  return value as string;
}

function object(value: unknown, path: string, example: string): Record<string, unknown> {
  if (!isPlainObject(value)) return fail(path, `must be an object like ${example}`, value);
  return value;
}

function feature(value: unknown, path: string): FeatureDefinition {
  const o = object(value, path, '{ "type": "event", "event": "query" }');
  switch (o.type) {
    case "boolean":
      return { type: "boolean" };
    case "event":
      return { type: "event", event: name(o.event, `${path}.event`, "the track event that meters it") };
    case "trait":
      return { type: "trait", trait: name(o.trait, `${path}.trait`, "the company trait holding its usage") };
    default:
      return fail(`${path}.type`, "must be one of boolean, event, trait", o.type);
  }
}

function entitlement(value: unknown, path: string, definition: FeatureDefinition): EntitlementValue {
  if (typeof value === "boolean") return value;
  const kind = definition.type;
  if (kind === "boolean") return fail(path, "must be true or false (a boolean feature)", value);
  if (value === "unlimited") return value;
  const example =
    kind === "event" ? '{ "allocation": 10, "period": "current_month" }' : '{ "allocation": 10 }';
  if (!isPlainObject(value)) return fail(path, `must be true, false, "unlimited" or ${example}`, value);
  const { allocation, period, ...rest } = value;
  for (const extra of Object.keys(rest))
    fail(`${path}.${extra}`, "is not a known field; remove it", rest[extra]);
  if (typeof allocation !== "number" || !Number.isFinite(allocation) || allocation < 0) {
    fail(`${path}.allocation`, "must be a non-negative number", allocation);
  }
  if (kind === "trait") {
    if (period !== undefined) fail(`${path}.period`, "a trait-based limit has no period; remove it", period);
    return { allocation: allocation as number };
  }
  if (period === undefined) return { allocation: allocation as number, period: "all_time" };
  if (typeof period !== "string" || !(PERIODS as readonly string[]).includes(period)) {
    fail(`${path}.period`, `must be one of ${PERIODS.join(", ")}`, period);
  }
  return { allocation: allocation as number, period: period as Period };
}

function entitlements(
  value: unknown,
  path: string,
  features: Record<string, FeatureDefinition>,
): Record<string, EntitlementValue> {
  const o = object(value, path, '{ "queries": { "allocation": 3, "period": "current_month" } }');
  const out: Record<string, EntitlementValue> = {};
  for (const key of Object.keys(o)) {
    const definition = own(features, key);
    if (!definition) {
      fail(
        `${path}.${key}`,
        `is not a feature; declare it in features (known: ${Object.keys(features).join(", ") || "none"})`,
        o[key],
      );
    }
    out[key] = entitlement(o[key], `${path}.${key}`, definition as FeatureDefinition);
  }
  return out;
}

function planKey(value: unknown, path: string, plans: Record<string, PlanDefinition>): string {
  if (typeof value !== "string" || !own(plans, value)) {
    fail(path, `must be one of the plans (${Object.keys(plans).join(", ") || "none declared"})`, value);
  }
  return value as string;
}

/**
 * Checks a parsed catalog document and returns a clean copy; throws a
 * {@link CatalogError} naming the first bad field.
 *
 * @example
 * ```ts
 * parseCatalog({ features: { sso: { type: "boolean" } }, plans: { pro: { name: "Pro", entitlements: { sso: true } } } });
 * ```
 */
export function parseCatalog(input: unknown): Catalog {
  const root = object(input, "catalog", '{ "features": {…}, "plans": {…} }');
  const known = new Set(["features", "plans", "defaultPlan", "planTrait", "companies"]);
  for (const key of Object.keys(root)) {
    if (!known.has(key)) fail(key, `is not a catalog field (known: ${[...known].join(", ")})`, root[key]);
  }
  const features: Record<string, FeatureDefinition> = {};
  const rawFeatures = object(root.features ?? {}, "features", '{ "sso": { "type": "boolean" } }');
  for (const key of Object.keys(rawFeatures)) {
    name(key, `features.${key}`, "a flag key");
    features[key] = feature(rawFeatures[key], `features.${key}`);
  }
  const plans: Record<string, PlanDefinition> = {};
  const rawPlans = object(root.plans ?? {}, "plans", '{ "free": { "name": "Free", "entitlements": {…} } }');
  for (const key of Object.keys(rawPlans)) {
    const path = `plans.${key}`;
    const plan = object(rawPlans[key], path, '{ "name": "Free", "entitlements": {…} }');
    plans[key] = {
      name: plan.name === undefined ? key : name(plan.name, `${path}.name`, "the plan's display name"),
      entitlements:
        plan.entitlements === undefined
          ? {}
          : entitlements(plan.entitlements, `${path}.entitlements`, features),
    };
  }
  const catalog: Catalog = { features, plans };
  if (root.defaultPlan !== undefined) catalog.defaultPlan = planKey(root.defaultPlan, "defaultPlan", plans);
  if (root.planTrait !== undefined) catalog.planTrait = name(root.planTrait, "planTrait", "a company trait");
  if (root.companies !== undefined) {
    const companies: Record<string, CompanyAssignment> = {};
    const raw = object(root.companies, "companies", '{ "id:acme": { "plan": "pro" } }');
    for (const entry of Object.keys(raw)) {
      const path = `companies.${entry}`;
      if (entry.indexOf(":") < 1 || entry.endsWith(":"))
        fail(path, 'must be named "keyName:value", like "id:acme"', entry);
      const o = object(raw[entry], path, '{ "plan": "pro", "overrides": { "sso": false } }');
      const assignment: CompanyAssignment = {};
      if (o.plan !== undefined) assignment.plan = planKey(o.plan, `${path}.plan`, plans);
      if (o.overrides !== undefined)
        assignment.overrides = entitlements(o.overrides, `${path}.overrides`, features);
      companies[entry] = assignment;
    }
    catalog.companies = companies;
  }
  return catalog;
}

/** Checks one entitlement value against the catalog (an override set at run time). */
export function parseEntitlementValue(
  catalog: Catalog,
  feature: string,
  value: unknown,
  path: string,
): EntitlementValue {
  const definition = own(catalog.features, feature);
  if (!definition) {
    throw new CatalogError(
      path,
      `"${feature}" is not a feature of the catalog (known: ${Object.keys(catalog.features).join(", ") || "none"})`,
    );
  }
  return entitlement(value, path, definition);
}
