/**
 * Answers a catalog feature for a company: from its override, else its
 * plan's entitlement, metered against its usage, in the hosted API's flag
 * check shape (`rule_type`, `feature_*`, `entitlement`). Each answer says why
 * in `reason` ("3 of 3 queries used this month on Free").
 */
import type { Keys, TraitValue, WireEntitlement, WireFlagCheck, WirePlan } from "@schematic-sdk/core";
import { type Catalog, type EntitlementValue, type FeatureDefinition, ownEntry } from "./catalog";
import { stableHash } from "./ids";
import { PERIOD_WORDS, type Period, periodBounds } from "./periods";
import type { UsageMeter } from "./usage";

/** The company (and user) a feature is answered for. */
export interface EntitlementSubject {
  company?: { id: string; keys: Keys; traits: Record<string, TraitValue> };
  /** The keys the check named (when the company is not stored, these still select catalog entries). */
  companyKeys?: Keys;
  userId: string | null;
}

/** Plans and overrides set at run time (admin routes), by company id; they beat the catalog's. */
export interface RuntimeAssignments {
  plan(companyId: string): string | undefined;
  override(companyId: string, feature: string): EntitlementValue | undefined;
}

function catalogEntry(catalog: Catalog, subject: EntitlementSubject) {
  const keys = { ...subject.companyKeys, ...subject.company?.keys };
  for (const name in keys) {
    const entry = ownEntry(catalog.companies, `${name}:${keys[name]}`);
    if (entry) return entry;
  }
  return undefined;
}

/** The plan key of the subject's company: set at run time, else by keys, else by trait, else the default. */
export function planKeyOf(catalog: Catalog, runtime: RuntimeAssignments, subject: EntitlementSubject) {
  if (!subject.company && !subject.companyKeys) return undefined;
  const set = subject.company && runtime.plan(subject.company.id);
  if (set !== undefined) return set;
  const byKeys = catalogEntry(catalog, subject)?.plan;
  if (byKeys !== undefined) return byKeys;
  if (catalog.planTrait !== undefined) {
    const trait = subject.company?.traits[catalog.planTrait];
    if (typeof trait === "string" && ownEntry(catalog.plans, trait)) return trait;
  }
  return catalog.defaultPlan;
}

/** The plan of a bulk flag check, or null. */
export function wirePlan(catalog: Catalog, planKey: string | undefined): WirePlan | null {
  const plan = planKey === undefined ? undefined : ownEntry(catalog.plans, planKey);
  return plan ? { id: planKey as string, name: plan.name, trial_status: null, trial_end_date: null } : null;
}

const numeric = (value: TraitValue | undefined): number => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
};

interface Metering {
  usage: number | null;
  event: string | null;
  period: Period | null;
  resetAt: string | null;
}

function meter(
  feature: FeatureDefinition,
  value: EntitlementValue,
  subject: EntitlementSubject,
  usage: UsageMeter,
  now: number,
): Metering {
  if (feature.type === "trait") {
    return {
      usage: numeric(subject.company?.traits[feature.trait]),
      event: null,
      period: null,
      resetAt: null,
    };
  }
  if (feature.type !== "event") return { usage: null, event: null, period: null, resetAt: null };
  const period: Period = typeof value === "object" ? (value.period ?? "all_time") : "all_time";
  const used = subject.company ? usage.read(subject.company.id, feature.event, period, now) : 0;
  const end = periodBounds(period, now).end;
  return {
    usage: used,
    event: feature.event,
    period,
    resetAt: Number.isFinite(end) ? new Date(end).toISOString() : null,
  };
}

/**
 * One feature's answer.
 *
 * @example
 * ```ts
 * evaluateFeature("queries", { catalog, runtime, usage, subject, now: Date.now() }).reason; // "3 of 3 queries used this month on Free"
 * ```
 */
export function evaluateFeature(
  key: string,
  parts: {
    catalog: Catalog;
    runtime: RuntimeAssignments;
    usage: UsageMeter;
    subject: EntitlementSubject;
    now: number;
  },
): WireFlagCheck {
  const { catalog, runtime, usage, subject, now } = parts;
  const feature = ownEntry(catalog.features, key) as FeatureDefinition;
  const planKey = planKeyOf(catalog, runtime, subject);
  const plan = planKey === undefined ? undefined : ownEntry(catalog.plans, planKey);
  const override =
    (subject.company && runtime.override(subject.company.id, key)) ??
    ownEntry(catalogEntry(catalog, subject)?.overrides, key);
  const fromPlan = ownEntry(plan?.entitlements, key);
  const granted = override ?? fromPlan;
  const flagId = `flag_${stableHash(key)}`;
  const base = {
    flag: key,
    company_id: subject.company?.id ?? null,
    user_id: subject.userId,
    flag_id: flagId,
  };
  const planName = plan?.name ?? "no plan";
  if (granted === undefined || (granted === false && override === undefined)) {
    const reason =
      !subject.company && !subject.companyKeys ? "No company in the context" : `Not included in ${planName}`;
    return {
      ...base,
      value: false,
      reason,
      rule_id: `rule_${stableHash(`${key}\u0000default`)}`,
      rule_type: "default",
      feature_allocation: null,
      feature_usage: null,
      feature_usage_event: null,
      feature_usage_period: null,
      feature_usage_reset_at: null,
      feature_usage_exceeded: null,
      entitlement: null,
    };
  }
  const metering = meter(feature, granted, subject, usage, now);
  const allocation = typeof granted === "object" ? granted.allocation : null;
  const used = metering.usage ?? 0;
  const exceeded = allocation !== null && used >= allocation;
  const valueType =
    granted === "unlimited"
      ? "unlimited"
      : allocation === null
        ? "boolean"
        : feature.type === "trait"
          ? "trait"
          : "numeric";
  const value = granted !== false && !exceeded;
  const ruleKind = override !== undefined ? "company_override" : "plan_entitlement";
  const where = override !== undefined ? "for this company" : `on ${planName}`;
  const detail =
    allocation !== null
      ? `${used} of ${allocation} ${key} used${metering.period ? ` ${PERIOD_WORDS[metering.period]}` : ""}`
      : granted === "unlimited"
        ? `Unlimited ${key}`
        : undefined;
  const reason =
    override !== undefined
      ? `Overridden for this company${detail ? `: ${detail}` : granted ? "" : " (off)"}`
      : detail
        ? `${detail} ${where}`
        : `Included in ${planName}`;
  const entitlement: WireEntitlement = {
    feature_key: key,
    value_type: valueType,
    allocation,
    usage: metering.usage,
    event_name: metering.event,
    metric_period: metering.period,
    metric_reset_at: metering.resetAt,
  };
  return {
    ...base,
    value,
    reason,
    rule_id: `rule_${stableHash(`${key}\u0000${ruleKind}\u0000${override !== undefined ? "override" : planKey}`)}`,
    rule_type: exceeded ? `${ruleKind}_usage_exceeded` : ruleKind,
    feature_allocation: allocation,
    feature_usage: metering.usage,
    feature_usage_event: metering.event,
    feature_usage_period: metering.period,
    feature_usage_reset_at: metering.resetAt,
    feature_usage_exceeded: allocation === null ? false : exceeded,
    entitlement,
  };
}
