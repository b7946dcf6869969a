/**
 * The store as plain JSON (what `--data` files hold) and back. Loading checks
 * the shape thoroughly: a file that does not look like a snapshot is an error,
 * never silently replaced by an empty store.
 */
import type { EventType, TraitValue } from "@schematic-sdk/core";
import { isPlainObject } from "@schematic-sdk/core";
import type { EntitlementValue } from "./catalog";
import type { AssignmentsSnapshot } from "./entitlementState";
import type { EntityRecord, KeyRecord, MembershipRecord, StoredEvent } from "./records";
import type { UsageRecord, UsageWindow } from "./usage";

/** A company or user in a snapshot: the record with its keys as a list. */
export interface SnapshotEntity {
  id: string;
  name: string;
  traits: Record<string, TraitValue>;
  created_at: string;
  updated_at: string;
  last_seen_at: string | null;
  keys: Array<KeyRecord & { key: string }>;
}

/**
 * Everything the store holds except flags, the catalog, stats and the request
 * log. `usage`, `plans` and `overrides` are absent from files written by
 * versions without entitlements; such files still load (usage is metered
 * again from their stored events).
 */
export interface StoreSnapshot extends Partial<AssignmentsSnapshot> {
  version: 1;
  companies: SnapshotEntity[];
  users: SnapshotEntity[];
  memberships: MembershipRecord[];
  events: StoredEvent[];
  usage?: UsageRecord[];
}

export function toSnapshotEntity(record: EntityRecord): SnapshotEntity {
  return {
    id: record.id,
    name: record.name,
    traits: { ...record.traits },
    created_at: record.created_at,
    updated_at: record.updated_at,
    last_seen_at: record.last_seen_at,
    keys: Array.from(record.keys, ([key, pair]) => ({ key, ...pair })),
  };
}

const invalid = (path: string, message: string): never => {
  throw new Error(`Invalid snapshot: ${path} ${message}`);
};

function list(value: unknown, path: string): unknown[] {
  return Array.isArray(value) ? value : invalid(path, "must be an array");
}

function object(value: unknown, path: string): Record<string, unknown> {
  return isPlainObject(value) ? value : invalid(path, "must be an object");
}

function text(value: unknown, path: string): string {
  return typeof value === "string" ? value : invalid(path, "must be a string");
}

function entity(value: unknown, path: string): EntityRecord {
  const o = object(value, path);
  const keys = new Map<string, KeyRecord>();
  for (const [i, raw] of list(o.keys, `${path}.keys`).entries()) {
    const k = object(raw, `${path}.keys[${i}]`);
    keys.set(text(k.key, `${path}.keys[${i}].key`), {
      id: text(k.id, `${path}.keys[${i}].id`),
      value: text(k.value, `${path}.keys[${i}].value`),
      created_at: text(k.created_at, `${path}.keys[${i}].created_at`),
      updated_at: text(k.updated_at, `${path}.keys[${i}].updated_at`),
    });
  }
  return {
    id: text(o.id, `${path}.id`),
    name: text(o.name, `${path}.name`),
    traits: object(o.traits, `${path}.traits`) as Record<string, TraitValue>,
    created_at: text(o.created_at, `${path}.created_at`),
    updated_at: text(o.updated_at, `${path}.updated_at`),
    last_seen_at: o.last_seen_at === null ? null : text(o.last_seen_at, `${path}.last_seen_at`),
    keys,
  };
}

function membership(value: unknown, path: string): MembershipRecord {
  const o = object(value, path);
  return {
    id: text(o.id, `${path}.id`),
    company_id: text(o.company_id, `${path}.company_id`),
    user_id: text(o.user_id, `${path}.user_id`),
    created_at: text(o.created_at, `${path}.created_at`),
    updated_at: text(o.updated_at, `${path}.updated_at`),
  };
}

function event(value: unknown, path: string): StoredEvent {
  const o = object(value, path);
  object(o.body, `${path}.body`);
  text(o.id, `${path}.id`);
  text(o.type, `${path}.type`);
  return o as unknown as StoredEvent & { type: EventType };
}

function count(value: unknown, path: string): number {
  return typeof value === "number" && Number.isFinite(value) ? value : invalid(path, "must be a number");
}

function usageRecord(value: unknown, path: string): UsageRecord {
  const o = object(value, path);
  const windows = object(o.windows, `${path}.windows`);
  const window = (name: "current_month" | "current_week" | "current_day"): UsageWindow => {
    const w = object(windows[name], `${path}.windows.${name}`);
    return {
      start: count(w.start, `${path}.windows.${name}.start`),
      sum: count(w.sum, `${path}.windows.${name}.sum`),
    };
  };
  return {
    company_id: text(o.company_id, `${path}.company_id`),
    event: text(o.event, `${path}.event`),
    total: count(o.total, `${path}.total`),
    windows: {
      current_month: window("current_month"),
      current_week: window("current_week"),
      current_day: window("current_day"),
    },
  };
}

function plans(value: unknown): Record<string, string> {
  const o = object(value, "plans");
  for (const [id, plan] of Object.entries(o)) text(plan, `plans.${id}`);
  return o as Record<string, string>;
}

function overrides(value: unknown): AssignmentsSnapshot["overrides"] {
  const o = object(value, "overrides");
  for (const [id, map] of Object.entries(o)) object(map, `overrides.${id}`);
  // Values are checked against the catalog when answered: a feature no longer declared is not answered.
  return o as Record<string, Record<string, EntitlementValue>>;
}

/** The parts of a snapshot as records, ready to be inserted into a store. */
export interface ParsedSnapshot extends Partial<AssignmentsSnapshot> {
  companies: EntityRecord[];
  users: EntityRecord[];
  memberships: MembershipRecord[];
  events: StoredEvent[];
  usage?: UsageRecord[];
}

/** Checks a parsed JSON document and converts it; throws an `Error` naming the bad field. */
export function parseSnapshot(value: unknown): ParsedSnapshot {
  const root = object(value, "root");
  if (root.version !== 1) invalid("version", "must be 1");
  const parsed: ParsedSnapshot = {
    companies: list(root.companies, "companies").map((c, i) => entity(c, `companies[${i}]`)),
    users: list(root.users, "users").map((u, i) => entity(u, `users[${i}]`)),
    memberships: list(root.memberships, "memberships").map((m, i) => membership(m, `memberships[${i}]`)),
    events: list(root.events, "events").map((e, i) => event(e, `events[${i}]`)),
  };
  if (root.usage !== undefined)
    parsed.usage = list(root.usage, "usage").map((u, i) => usageRecord(u, `usage[${i}]`));
  if (root.plans !== undefined) parsed.plans = plans(root.plans);
  if (root.overrides !== undefined) parsed.overrides = overrides(root.overrides);
  return parsed;
}
