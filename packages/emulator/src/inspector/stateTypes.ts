/**
 * What the inspector page shows, as JSON: the server builds it
 * (`inspectorState`), the page's script renders it. Sent whole when the page
 * connects, then by section as sections change.
 */
import type { WireFlagCheck, WirePlan } from "@schematic-sdk/core";
import type { EntitlementValue, FeatureDefinition } from "../catalog";
import type { EmulatorStats } from "../storeTypes";

/** The parts of the page that update independently. */
export const INSPECTOR_SECTIONS = ["stats", "catalog", "companies", "users", "events", "requests"] as const;
export type InspectorSection = (typeof INSPECTOR_SECTIONS)[number];

export interface InspectorKey {
  key: string;
  value: string;
}

export interface InspectorCompany {
  id: string;
  name: string;
  keys: InspectorKey[];
  traits: Record<string, unknown>;
  plan: WirePlan | null;
  /** Whether the plan was set at run time (admin routes, this page) rather than by the catalog. */
  planSetAtRuntime: boolean;
  /** Overrides set at run time, by feature. */
  overrides: Record<string, EntitlementValue>;
  /** Every flag's answer for this company, with its reason, as a flag check gets it. */
  answers: WireFlagCheck[];
  /** Its latest users (at most 20), and how many it has. */
  users: Array<{ id: string; name: string }>;
  userCount: number;
  updatedAt: string;
}

export interface InspectorUser {
  id: string;
  name: string;
  keys: InspectorKey[];
  traits: Record<string, unknown>;
  companies: Array<{ id: string; name: string }>;
  lastSeenAt: string | null;
}

export interface InspectorEvent {
  id: string;
  type: string;
  via: string;
  receivedAt: string;
  /** The track event's name. */
  event: string | null;
  /** The id of the company the event is about, when it names one that is stored. */
  companyId: string | null;
  /** The API key it came with, masked. */
  apiKey: string | null;
  body: unknown;
  trackerEventId: string | null;
  idempotencyKey: string | null;
}

export interface InspectorRequest {
  at: number;
  method: string;
  path: string;
  /** 0 while being answered. */
  status: number;
  ms: number | null;
  fault: string | null;
}

export interface InspectorCatalog {
  features: Record<string, FeatureDefinition>;
  plans: Array<{ id: string; name: string; entitlements: Record<string, EntitlementValue> }>;
  defaultPlan: string | null;
  planTrait: string | null;
  /** Keys of flags answered from the flags file (not catalog features). */
  flags: string[];
}

export interface InspectorStats extends EmulatorStats {
  /** Live (WebSocket) flag clients connected. */
  liveClients: number;
}

/** A list cut to its latest entries, with how many there are. */
export interface Listed<T> {
  items: T[];
  total: number;
}

/** The whole page's data; an update carries only the sections that changed. */
export interface InspectorState {
  stats: InspectorStats;
  catalog: InspectorCatalog;
  /** Newest first. */
  companies: Listed<InspectorCompany>;
  users: Listed<InspectorUser>;
  events: Listed<InspectorEvent>;
  requests: Listed<InspectorRequest>;
}

/** A message of the inspector's stream: the sections that changed, each whole. */
export type InspectorUpdate = Partial<InspectorState>;
