/**
 * The emulator's own record shapes and their conversion to the wire shapes of
 * `WIRE.md`. Records keep keys in a `Map` (one value per key name) so merges
 * are O(keys), and are converted to the API's key lists only when answered.
 */
import type {
  EventType,
  TraitValue,
  WireCompany,
  WireCompanyMembership,
  WireEntityKey,
  WireUser,
} from "@schematic-sdk/core";

export type EntityKind = "company" | "user";

/** One (key name, value) pair of a company or user, with its own id and times. */
export interface KeyRecord {
  id: string;
  value: string;
  created_at: string;
  updated_at: string;
}

/** A company or user as the store holds it. */
export interface EntityRecord {
  id: string;
  name: string;
  traits: Record<string, TraitValue>;
  /** key name → pair */
  keys: Map<string, KeyRecord>;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
}

/** A user's membership in a company (`company_memberships` on the wire). */
export type MembershipRecord = WireCompanyMembership;

/** An event accepted by `POST /e` or `POST /batch`, as stored and as `GET /events` lists it. */
export interface StoredEvent {
  /** The emulator's id for the stored event (`evt_…`). */
  id: string;
  type: EventType;
  body: Record<string, unknown>;
  api_key: string | null;
  sent_at: string | null;
  /** When the emulator accepted it (ISO-8601, UTC). */
  received_at: string;
  tracker_event_id: string | null;
  tracker_user_id: string | null;
  idempotency_key: string | null;
  /** The route it arrived on. */
  via: "e" | "batch";
}

/** Lists the real API fills and the emulator leaves empty, so strict clients find every field they expect. */
const emptyCompanyLists = [
  "add_ons",
  "billing_subscriptions",
  "custom_plan_billings",
  "entitlements",
  "entity_traits",
  "metrics",
  "payment_methods",
  "plans",
  "rules",
] as const;

function wireKeys(record: EntityRecord, kind: EntityKind, environmentId: string): WireEntityKey[] {
  const out: WireEntityKey[] = [];
  for (const [key, pair] of record.keys) {
    out.push({
      id: pair.id,
      key,
      value: pair.value,
      entity_type: kind,
      entity_id: record.id,
      definition_id: `ekd_${kind}_${key}`,
      environment_id: environmentId,
      created_at: pair.created_at,
      updated_at: pair.updated_at,
    });
  }
  return out;
}

/** The fields a company and a user share on the wire. */
function entityFields(record: EntityRecord, kind: EntityKind, environmentId: string) {
  return {
    id: record.id,
    name: record.name,
    environment_id: environmentId,
    created_at: record.created_at,
    updated_at: record.updated_at,
    last_seen_at: record.last_seen_at,
    traits: { ...record.traits },
    keys: wireKeys(record, kind, environmentId),
  };
}

export function toWireCompany(record: EntityRecord, userCount: number, environmentId: string): WireCompany {
  const wire: WireCompany = { ...entityFields(record, "company", environmentId), user_count: userCount };
  for (const list of emptyCompanyLists) wire[list] = [];
  return wire;
}

export function toWireUser(
  record: EntityRecord,
  memberships: Iterable<MembershipRecord>,
  environmentId: string,
): WireUser {
  return {
    ...entityFields(record, "user", environmentId),
    company_memberships: Array.from(memberships, (m) => ({ ...m })),
    entity_traits: [],
  };
}
