/**
 * The wire protocol's shapes: snake_case, exactly as the API speaks them.
 * `convert.ts` is the one place that converts between them and the public
 * camelCase types.
 */
import type { Keys, Traits } from "./types";

export type EventType = "identify" | "track" | "flag_check";

export interface WireIdentifyBody {
  keys: Keys;
  name?: string;
  traits?: Traits;
  company?: { keys: Keys; name?: string; traits?: Traits };
}

export interface WireTrackBody {
  event: string;
  company?: Keys;
  user?: Keys;
  traits: Traits;
  quantity: number;
}

export interface WireFlagCheckBody {
  flag: string;
  value: boolean;
  company?: Keys;
  user?: Keys;
}

/** One event as `POST /e` takes it and as each entry of `POST /batch` carries it. */
export interface WireEvent {
  api_key: string;
  type: EventType;
  body: WireIdentifyBody | WireTrackBody | WireFlagCheckBody;
  sent_at: string;
  tracker_event_id?: string;
  tracker_user_id?: string;
  idempotency_key?: string;
}

export interface WireBatch {
  events: WireEvent[];
}

/** `{ data, params }`: every JSON answer of the API. */
export interface WireEnvelope<T> {
  data: T;
  params: Record<string, unknown>;
}

export interface WireCompanyUpsert {
  keys: Keys;
  name?: string;
  traits?: Traits;
  last_seen_at?: string;
  update_only?: boolean;
}

export interface WireUserUpsert {
  keys: Keys;
  name?: string;
  traits?: Traits;
  company?: Keys;
  companies?: Keys[];
  last_seen_at?: string;
  update_only?: boolean;
}

export interface WireEntityKey {
  id: string;
  key: string;
  value: string;
  entity_type: "company" | "user";
  entity_id: string;
  definition_id: string;
  environment_id: string;
  created_at: string;
  updated_at: string;
}

export interface WireCompany {
  id: string;
  name: string;
  environment_id: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
  user_count: number;
  traits: Record<string, unknown>;
  keys: WireEntityKey[];
  [extra: string]: unknown;
}

export interface WireCompanyMembership {
  id: string;
  company_id: string;
  user_id: string;
  created_at: string;
  updated_at: string;
}

export interface WireUser {
  id: string;
  name: string;
  environment_id: string;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
  traits: Record<string, unknown>;
  keys: WireEntityKey[];
  company_memberships: WireCompanyMembership[];
  [extra: string]: unknown;
}

export interface WireFlagCheck {
  flag: string;
  value: boolean;
  reason?: string;
  company_id?: string | null;
  user_id?: string | null;
  flag_id?: string | null;
  rule_id?: string | null;
  rule_type?: string | null;
  feature_allocation?: number | null;
  feature_usage?: number | null;
  feature_usage_event?: string | null;
  feature_usage_period?: string | null;
  feature_usage_reset_at?: string | null;
  feature_usage_exceeded?: boolean | null;
  entitlement?: WireEntitlement | null;
  [extra: string]: unknown;
}

/** The entitlement behind a flag check (hosted API); absent values are null. */
export interface WireEntitlement {
  feature_key: string;
  value_type: string;
  allocation?: number | null;
  usage?: number | null;
  event_name?: string | null;
  metric_period?: string | null;
  metric_reset_at?: string | null;
  [extra: string]: unknown;
}

export interface WirePlan {
  id: string;
  name: string;
  trial_status?: string | null;
  trial_end_date?: string | null;
}

export interface WireFlagsCheck {
  flags: WireFlagCheck[];
  plan?: WirePlan | null;
}
