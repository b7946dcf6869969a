/** The plain types of the store's API: its counts, seeds, changes and options. */
/** Counts since start (or the last reset). */
export interface EmulatorStats {
  /** API requests received, injected faults included (inspection routes and CORS preflights are not counted). */
  requests: number;
  /** Answers by status code, e.g. `{ "200": 10, "503": 2 }`. */
  statuses: Record<string, number>;
  companies: number;
  users: number;
  /** Events stored. */
  events: number;
  /** Events that arrived on `/e` and `/batch`, duplicates included. */
  eventsReceived: number;
  /** Events ignored because their `tracker_event_id` or `idempotency_key` was seen before. */
  duplicates: number;
  faults: { failed: number; rateLimited: number };
}

/** Data to put in a store, in the wire's own shapes (`POST /companies` and `POST /users` bodies). */
export interface StoreSeed {
  companies?: Array<Record<string, unknown>>;
  users?: Array<Record<string, unknown>>;
}

/** What changed in a store: listeners re-read what they show (answers for a context, the inspector). */
export interface StoreChange {
  kind: "company" | "user" | "event" | "usage" | "plan" | "override" | "catalog" | "flags" | "reset" | "load";
  /** The company concerned, when one is. */
  companyId?: string;
}

/** Options of {@link EmulatorStore}; all optional. */
export interface StoreOptions {
  environmentId?: string;
  now?: () => number;
  requestLogLimit?: number;
  maxEvents?: number;
}
