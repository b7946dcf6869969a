/**
 * Builds the inspector's data from the store, section by section: companies
 * with their plan, overrides and every answer (with its reason), users with
 * their memberships, the latest events (keys masked) and API requests, the
 * catalog and the counts. Lists are cut to their latest entries.
 */
import { isPlainObject, type Keys, maskKey, type WireEntityKey } from "@schematic-sdk/core";
import type { StoredEvent } from "../records";
import type { EmulatorStore } from "../store";
import type {
  InspectorCatalog,
  InspectorCompany,
  InspectorEvent,
  InspectorRequest,
  InspectorSection,
  InspectorUpdate,
  InspectorUser,
  Listed,
} from "./stateTypes";

/** How many of each list the page gets (the latest). */
export const INSPECTOR_LIMITS = Object.freeze({
  companies: 200,
  users: 200,
  events: 200,
  requests: 200,
  /** Users shown per company. */
  members: 20,
});

/** What the state needs besides the store. */
export interface InspectorSources {
  store: EmulatorStore;
  /** Live flag sockets open now (0 without a server). */
  liveClients?: () => number;
}

const keysOf = (keys: WireEntityKey[]) => keys.map(({ key, value }) => ({ key, value }));
const toKeys = (keys: WireEntityKey[]): Keys => Object.fromEntries(keys.map((k) => [k.key, k.value]));

/** The latest of a list the store cuts, newest first, with the list's full length. */
function latest<T, U>(items: T[], total: number, map: (item: T) => U): Listed<U> {
  return { items: items.reverse().map(map), total };
}

function companies(store: EmulatorStore): Listed<InspectorCompany> {
  const shown = store.companies({ last: INSPECTOR_LIMITS.companies });
  return latest(shown, store.stats().companies, (company) => {
    const keys = toKeys(company.keys);
    const { flags, plan } = store.answersFor({ company: keys });
    const assigned = company.keys.length > 0 ? store.assignmentsOf(keys) : { plan: null, overrides: {} };
    return {
      id: company.id,
      name: company.name,
      keys: keysOf(company.keys),
      traits: company.traits,
      plan: plan ?? null,
      planSetAtRuntime: assigned.plan !== null,
      overrides: assigned.overrides,
      answers: flags,
      users: store
        .usersOf(company.id, { last: INSPECTOR_LIMITS.members })
        .map((u) => ({ id: u.id, name: u.name })),
      userCount: company.user_count,
      updatedAt: company.updated_at,
    };
  });
}

function users(store: EmulatorStore): Listed<InspectorUser> {
  const names = new Map<string, string>();
  const nameOf = (id: string) => {
    if (!names.has(id)) names.set(id, store.getCompany(id)?.name ?? "");
    return names.get(id)!;
  };
  const shown = store.users({ last: INSPECTOR_LIMITS.users });
  return latest(shown, store.stats().users, (user) => ({
    id: user.id,
    name: user.name,
    keys: keysOf(user.keys),
    traits: user.traits,
    companies: user.company_memberships.map((m) => ({
      id: m.company_id,
      name: nameOf(m.company_id),
    })),
    lastSeenAt: user.last_seen_at,
  }));
}

/** The keys an event names its company by: `company` of a track, `company.keys` of an identify. */
function companyKeysOf(event: StoredEvent): Keys | undefined {
  const company = event.body.company;
  if (!isPlainObject(company)) return undefined;
  const keys = event.type === "identify" ? company.keys : company;
  if (!isPlainObject(keys)) return undefined;
  const out: Keys = {};
  for (const [name, value] of Object.entries(keys)) if (typeof value === "string") out[name] = value;
  return Object.keys(out).length > 0 ? out : undefined;
}

function events(store: EmulatorStore): Listed<InspectorEvent> {
  return latest(store.events({ last: INSPECTOR_LIMITS.events }), store.stats().events, (e) => {
    const keys = companyKeysOf(e);
    const name = e.body.event;
    return {
      id: e.id,
      type: e.type,
      via: e.via,
      receivedAt: e.received_at,
      event: e.type === "track" && typeof name === "string" ? name : null,
      companyId: (keys && store.findCompany(keys)?.id) ?? null,
      apiKey: e.api_key === null ? null : maskKey(e.api_key),
      body: e.body,
      trackerEventId: e.tracker_event_id,
      idempotencyKey: e.idempotency_key,
    };
  });
}

function requests(store: EmulatorStore): Listed<InspectorRequest> {
  return {
    items: store.requestLog.latest(INSPECTOR_LIMITS.requests).map((r) => ({
      at: r.at,
      method: r.method,
      path: r.path,
      status: r.status,
      ms: r.ms ?? null,
      fault: r.fault ?? null,
    })),
    total: store.stats().requests,
  };
}

function catalog(store: EmulatorStore): InspectorCatalog {
  const { features, plans, defaultPlan, planTrait } = store.getCatalog();
  return {
    features,
    plans: Object.entries(plans).map(([id, plan]) => ({
      id,
      name: plan.name,
      entitlements: plan.entitlements ?? {},
    })),
    defaultPlan: defaultPlan ?? null,
    planTrait: planTrait ?? null,
    flags: Object.keys(store.getFlags().flags).filter((key) => !Object.hasOwn(features, key)),
  };
}

/** The given sections of the inspector's data (all of them by default). */
export function inspectorState(
  sources: InspectorSources,
  sections: Iterable<InspectorSection> = ["stats", "catalog", "companies", "users", "events", "requests"],
): InspectorUpdate {
  const { store } = sources;
  const out: InspectorUpdate = {};
  for (const section of sections) {
    if (section === "stats") out.stats = { ...store.stats(), liveClients: sources.liveClients?.() ?? 0 };
    else if (section === "catalog") out.catalog = catalog(store);
    else if (section === "companies") out.companies = companies(store);
    else if (section === "users") out.users = users(store);
    else if (section === "events") out.events = events(store);
    else out.requests = requests(store);
  }
  return out;
}
