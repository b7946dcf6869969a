/**
 * Public input and record types. Everything here is camelCase; the wire's
 * snake_case lives in `wire.ts`, and `wire.ts` is the only place that converts.
 */

/** Identifying keys of a user or company, e.g. `{ id: "demo-company", stripeCustomerId: "cus_123" }`. Values are strings. */
export type Keys = Record<string, string>;

/** A trait value as sent: a string, a finite number, a boolean or null. */
export type TraitValue = string | number | boolean | null;

/** Metadata used for targeting and entitlements, as sent. */
export type Traits = Record<string, TraitValue>;

/**
 * A trait value as given: a `Date` is sent as its ISO string and `undefined`
 * is left out (JSON's own rules), so `{ email: user.email }` with an optional
 * field type-checks.
 */
export type TraitInput = TraitValue | Date | undefined;

/** Traits as given to `identify`, `track` and the upserts. */
export type TraitsInput = Record<string, TraitInput>;

/** A company as given to `identify` or `upsertCompany`. */
export interface CompanyInput {
  keys: Keys;
  name?: string | undefined;
  traits?: TraitsInput | undefined;
}

/** The signed-in user (at the top level) and optionally the company they act for. */
export interface IdentifyInput {
  keys: Keys;
  name?: string | undefined;
  traits?: TraitsInput | undefined;
  company?: CompanyInput | undefined;
}

/** Who later calls (flag checks, track) are about. */
export interface Context {
  company?: Keys | undefined;
  user?: Keys | undefined;
}

/** A usage or behaviour event. `company` and `user` default to the stored context. */
export interface TrackInput {
  event: string;
  traits?: TraitsInput | undefined;
  quantity?: number | undefined;
  company?: Keys | undefined;
  user?: Keys | undefined;
}

/** Which rule decided a flag check's value (the hosted API's `rule_type`). */
export type FlagRuleType =
  | "global_override"
  | "company_override"
  | "company_override_usage_exceeded"
  | "plan_entitlement"
  | "plan_entitlement_usage_exceeded"
  | "standard"
  | "default"
  | (string & {});

/** How an entitlement's value is measured (the wire's `entitlement.value_type`). */
export type EntitlementValueType = "boolean" | "numeric" | "unlimited" | "trait" | "credit" | (string & {});

/** The period a metered usage is counted over, in UTC. */
export type UsagePeriod = "all_time" | "current_month" | "current_week" | "current_day" | (string & {});

/**
 * One flag's answer: its value, why, and for an entitlement the allocation
 * and usage behind it ("3 of 10 queries used this month").
 */
export interface FlagCheck {
  flag: string;
  value: boolean;
  /** Why the value is what it is, in the API's words; `"fallback"` when no answer could be had. */
  reason: string;
  ruleType?: FlagRuleType;
  valueType?: EntitlementValueType;
  /** The numeric limit of a metered or trait-based entitlement. */
  featureAllocation?: number;
  /** Usage counted so far in the current period. */
  featureUsage?: number;
  /** The track event that meters this feature. */
  featureUsageEvent?: string;
  featureUsagePeriod?: UsagePeriod;
  /** When the current period's usage resets. */
  featureUsageResetAt?: Date;
  /** Usage has reached the allocation: `value` is false until the period resets or the plan changes. */
  featureUsageExceeded?: boolean;
  companyId?: string;
  userId?: string;
  flagId?: string;
  ruleId?: string;
}

/** The plan the company is on. */
export interface Plan {
  id: string;
  name: string;
  trialStatus?: string;
  trialEndDate?: Date;
}

/** @deprecated Use `Plan`. */
export type FlagsPlan = Plan;

/** The answer to a bulk flag check. */
export interface FlagsCheck {
  flags: FlagCheck[];
  plan?: Plan;
}

/** A company record as the API returns it. */
export interface Company {
  id: string;
  name: string;
  keys: Keys;
  traits: Record<string, unknown>;
  userCount: number;
  environmentId: string;
  createdAt: Date;
  updatedAt: Date;
  lastSeenAt: Date | null;
}

/** A user's membership in a company. */
export interface CompanyMembership {
  id: string;
  companyId: string;
  userId: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A user record as the API returns it. */
export interface User {
  id: string;
  name: string;
  keys: Keys;
  traits: Record<string, unknown>;
  companyIds: string[];
  companyMemberships: CompanyMembership[];
  environmentId: string;
  createdAt: Date;
  updatedAt: Date;
  lastSeenAt: Date | null;
}

/** `POST /companies` input. */
export interface UpsertCompanyInput extends CompanyInput {
  /** When the company was last active. */
  lastSeenAt?: Date | string | undefined;
  /** Only update an existing company; never create one. */
  updateOnly?: boolean | undefined;
}

/** `POST /users` input. */
export interface UpsertUserInput {
  keys: Keys;
  name?: string | undefined;
  traits?: TraitsInput | undefined;
  /** Keys of the company this user belongs to (created if unknown). */
  company?: Keys | undefined;
  /** Keys of several companies this user belongs to. */
  companies?: Keys[] | undefined;
  lastSeenAt?: Date | string | undefined;
  updateOnly?: boolean | undefined;
}
