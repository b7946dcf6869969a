/**
 * Public input and record types. Everything here is camelCase; the wire's
 * snake_case lives in `wire.ts`, and `wire.ts` is the only place that converts.
 */

/** Identifying keys of a user or company, e.g. `{ id: "demo-company", stripeCustomerId: "cus_123" }`. Values are strings. */
export type Keys = Record<string, string>;

/** A trait value. Dates are accepted by validation and sent as ISO strings. */
export type TraitValue = string | number | boolean | null;

/** Metadata used for targeting and entitlements. */
export type Traits = Record<string, TraitValue>;

/** A company as given to `identify` or `upsertCompany`. */
export interface CompanyInput {
  keys: Keys;
  name?: string;
  traits?: Traits;
}

/** The signed-in user (at the top level) and optionally the company they act for. */
export interface IdentifyInput {
  keys: Keys;
  name?: string;
  traits?: Traits;
  company?: CompanyInput;
}

/** Who later calls (flag checks, track) are about. */
export interface Context {
  company?: Keys;
  user?: Keys;
}

/** A usage or behaviour event. `company` and `user` default to the stored context. */
export interface TrackInput {
  event: string;
  traits?: Traits;
  quantity?: number;
  company?: Keys;
  user?: Keys;
}

/** The answer to one flag check. */
export interface FlagCheck {
  flag: string;
  value: boolean;
  reason?: string;
  companyId?: string;
  userId?: string;
  flagId?: string;
  ruleId?: string;
  ruleType?: string;
  featureAllocation?: number;
  featureUsage?: number;
  featureUsageEvent?: string;
  featureUsagePeriod?: string;
  featureUsageResetAt?: Date;
}

/** The plan a bulk flag check reports for the company. */
export interface FlagsPlan {
  id: string;
  name: string;
  trialStatus?: string;
  trialEndDate?: Date;
}

/** The answer to a bulk flag check. */
export interface FlagsCheck {
  flags: FlagCheck[];
  plan?: FlagsPlan;
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
  lastSeenAt?: Date | string;
  /** Only update an existing company; never create one. */
  updateOnly?: boolean;
}

/** `POST /users` input. */
export interface UpsertUserInput {
  keys: Keys;
  name?: string;
  traits?: Traits;
  /** Keys of the company this user belongs to (created if unknown). */
  company?: Keys;
  /** Keys of several companies this user belongs to. */
  companies?: Keys[];
  lastSeenAt?: Date | string;
  updateOnly?: boolean;
}
