/**
 * The one place that converts between the public camelCase types and the
 * wire shapes (`wire.ts`). Key and trait maps pass through untouched: their
 * names are the user's data.
 */
import { compact } from "./fields";
import type {
  Company,
  CompanyMembership,
  Context,
  FlagCheck,
  FlagsCheck,
  IdentifyInput,
  Keys,
  Plan,
  TrackInput,
  Traits,
  UpsertCompanyInput,
  UpsertUserInput,
  User,
} from "./types";
import type {
  WireCompany,
  WireCompanyMembership,
  WireCompanyUpsert,
  WireEntityKey,
  WireFlagCheck,
  WireFlagsCheck,
  WireIdentifyBody,
  WirePlan,
  WireTrackBody,
  WireUser,
  WireUserUpsert,
} from "./wire";

// ---- public → wire ----
// These take validated input: validation has already turned Dates into ISO
// strings and left undefined traits out, so its traits are wire `Traits`.
type Sent = Traits | undefined;

const isoTime = (value: Date | string): string => (typeof value === "string" ? value : value.toISOString());

/** The `body` of an identify event: the input as given, omitted fields left out. */
export function toWireIdentifyBody(input: IdentifyInput): WireIdentifyBody {
  const { company } = input;
  return compact({
    keys: input.keys,
    name: input.name,
    traits: input.traits as Sent,
    company: company && compact({ keys: company.keys, name: company.name, traits: company.traits as Sent }),
  });
}

/** The `body` of a track event: company and user from the input, else from the context. */
export function toWireTrackBody(input: TrackInput, context: Context = {}): WireTrackBody {
  const body: WireTrackBody = {
    event: input.event,
    traits: (input.traits as Sent) ?? {},
    quantity: input.quantity ?? 1,
  };
  const company = input.company ?? context.company;
  const user = input.user ?? context.user;
  if (company) body.company = company;
  if (user) body.user = user;
  return body;
}

export function toWireCompanyUpsert(input: UpsertCompanyInput): WireCompanyUpsert {
  return compact({
    keys: input.keys,
    name: input.name,
    traits: input.traits as Sent,
    last_seen_at: input.lastSeenAt === undefined ? undefined : isoTime(input.lastSeenAt),
    update_only: input.updateOnly,
  });
}

export function toWireUserUpsert(input: UpsertUserInput): WireUserUpsert {
  return compact({
    keys: input.keys,
    name: input.name,
    traits: input.traits as Sent,
    company: input.company,
    companies: input.companies,
    last_seen_at: input.lastSeenAt === undefined ? undefined : isoTime(input.lastSeenAt),
    update_only: input.updateOnly,
  });
}

// ---- wire → public ----

const toDate = (value: string | null | undefined): Date | undefined =>
  value == null ? undefined : new Date(value);

/** The wire's key list (`[{key, value}, …]`) flattened into a map. */
export function fromWireKeys(keys: readonly WireEntityKey[] | undefined): Keys {
  const out: Keys = {};
  for (const k of keys ?? []) out[k.key] = k.value;
  return out;
}

export function fromWireCompany(wire: WireCompany): Company {
  return {
    id: wire.id,
    name: wire.name,
    keys: fromWireKeys(wire.keys),
    traits: wire.traits ?? {},
    userCount: wire.user_count ?? 0,
    environmentId: wire.environment_id,
    createdAt: new Date(wire.created_at),
    updatedAt: new Date(wire.updated_at),
    lastSeenAt: toDate(wire.last_seen_at) ?? null,
  };
}

function fromWireMembership(wire: WireCompanyMembership): CompanyMembership {
  return {
    id: wire.id,
    companyId: wire.company_id,
    userId: wire.user_id,
    createdAt: new Date(wire.created_at),
    updatedAt: new Date(wire.updated_at),
  };
}

export function fromWireUser(wire: WireUser): User {
  const memberships = (wire.company_memberships ?? []).map(fromWireMembership);
  return {
    id: wire.id,
    name: wire.name,
    keys: fromWireKeys(wire.keys),
    traits: wire.traits ?? {},
    companyIds: memberships.map((m) => m.companyId),
    companyMemberships: memberships,
    environmentId: wire.environment_id,
    createdAt: new Date(wire.created_at),
    updatedAt: new Date(wire.updated_at),
    lastSeenAt: toDate(wire.last_seen_at) ?? null,
  };
}

/**
 * A flat wire record read field by field: names camelCased, absent (null)
 * values left out, nested objects skipped, times (`…_at`, `…_date`) as Dates.
 * Fields the API adds later come through the same way.
 */
function fromWireFields<T>(wire: object): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(wire))
    if (value != null && typeof value !== "object")
      out[name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = /_(at|date)$/.test(name)
        ? new Date(value as string)
        : value;
  return out as T;
}

export function fromWireFlagCheck(wire: WireFlagCheck): FlagCheck {
  const check = fromWireFields<FlagCheck>(wire);
  check.value = wire.value === true;
  check.reason = wire.reason ?? "";
  const valueType = wire.entitlement?.value_type;
  if (valueType != null) check.valueType = valueType;
  if (wire.feature_usage_exceeded == null && wire.rule_type?.endsWith("_usage_exceeded"))
    check.featureUsageExceeded = true;
  return check;
}

/** The plan of a bulk flag check or a live push. */
export const fromWirePlan: (plan: WirePlan) => Plan = fromWireFields;

export function fromWireFlagsCheck(wire: WireFlagsCheck): FlagsCheck {
  const plan = wire.plan;
  return compact({
    flags: (wire.flags ?? []).map(fromWireFlagCheck),
    plan: plan == null ? undefined : fromWirePlan(plan),
  });
}
