/**
 * The emulator's state: companies, users, memberships, events, flags, the
 * catalog with usage and plan assignments, and the bookkeeping tests read
 * (counts and the request log). Everything is in memory and indexed; no
 * request costs a scan, and usage is summed as events arrive. The records
 * themselves are in `StoreTables`; this is the API over them: the rules of
 * each write, the change notices, copies in the wire's shapes.
 */
import {
  isoTime,
  type Keys,
  type TraitValue,
  type WireCompany,
  type WireFlagCheck,
  type WireFlagsCheck,
  type WireUser,
} from "@schematic-sdk/core";
import type { Catalog, EntitlementValue } from "./catalog";
import { EventIntake } from "./eventIntake";
import { type FlagsConfig, parseFlagsConfig } from "./flags";
import { emulatorDefaults } from "./options";
import type { StoredEvent } from "./records";
import { RequestLog, type RequestLogEntry, type RequestLogFilter } from "./requestLog";
import { parseSnapshot, type StoreSnapshot } from "./snapshot";
import { StoreTables } from "./storeTables";
import type { EmulatorStats, StoreChange, StoreOptions, StoreSeed } from "./storeTypes";
import {
  type CompanyUpsertInput,
  type EventInput,
  type FlagContextInput,
  parseCompanyUpsert,
  parseUserUpsert,
  type UserUpsertInput,
} from "./validate";

export type { EmulatorStats, StoreChange, StoreOptions, StoreSeed } from "./storeTypes";

/** What every stored event tells listeners (one object: events arrive by the million). */
const EVENT_CHANGE: StoreChange = Object.freeze({ kind: "event" });

/** The last `count` items (all when `count` is undefined). */
const latest = <T>(items: T[], count: number | undefined): T[] =>
  count === undefined ? items : count <= 0 ? [] : items.slice(-count);

/**
 * The emulator's state. Reach it as `emulator.store`; reads return copies in
 * the wire's shapes, `seed` takes `POST` bodies and checks them.
 *
 * @example
 * ```ts
 * const { store } = createEmulator();
 * store.seed({ companies: [{ keys: { id: "c_1" }, traits: { plan: "pro" } }] });
 * store.findCompany({ id: "c_1" })?.traits; // { plan: "pro" }
 * store.stats().duplicates; // 0
 * ```
 */
export class EmulatorStore {
  readonly environmentId: string;
  readonly #now: () => number;
  readonly #data: StoreTables;
  /** The API request log and counts; the request handler writes it. */
  readonly requestLog: RequestLog;
  readonly #listeners = new Set<(change: StoreChange) => void>();
  readonly #intake: EventIntake;

  constructor(options: StoreOptions = {}) {
    this.environmentId = options.environmentId ?? emulatorDefaults.environmentId;
    this.#now = options.now ?? Date.now;
    this.#data = new StoreTables({
      environmentId: this.environmentId,
      maxEvents: options.maxEvents ?? emulatorDefaults.maxEvents,
    });
    this.requestLog = new RequestLog(options.requestLogLimit ?? emulatorDefaults.requestLogLimit, this.#now);
    this.#intake = new EventIntake({
      tables: this.#data,
      now: this.#now,
      upsertCompany: (input) => this.upsertCompany(input),
      upsertUser: (input) => this.upsertUser(input),
      stored: () => this.#changed(EVENT_CHANGE),
    });
  }

  // ---- reading ----

  /** Every company (or, with `last`, the latest that many), oldest first, as `GET /companies` answers them. */
  companies(filter: { last?: number } = {}): WireCompany[] {
    return latest(Array.from(this.#data.companies.values()), filter.last).map((c) =>
      this.#data.wireCompany(c),
    );
  }

  /** Every user (or, with `last`, the latest that many), oldest first, as `GET /users` answers them. */
  users(filter: { last?: number } = {}): WireUser[] {
    return latest(Array.from(this.#data.users.values()), filter.last).map((u) => this.#data.wireUser(u));
  }

  /** Stored events (of one type; with `last`, the latest that many), oldest first (copies). */
  events(filter: { type?: StoredEvent["type"]; last?: number } = {}): StoredEvent[] {
    return this.#data.events.list(filter.type, filter.last);
  }

  /** The users of the company with this emulator id (with `last`, the latest that many to join), in the order they joined. */
  usersOf(companyId: string, filter: { last?: number } = {}): WireUser[] {
    const ids = latest(this.#data.memberships.usersOf(companyId), filter.last);
    return ids.flatMap((id) => {
      const record = this.#data.users.get(id);
      return record ? [this.#data.wireUser(record)] : [];
    });
  }

  /** The company with this emulator id (`comp_…`). */
  getCompany(id: string): WireCompany | undefined {
    const record = this.#data.companies.get(id);
    return record && this.#data.wireCompany(record);
  }

  /** The company holding any of these keys. */
  findCompany(keys: Keys): WireCompany | undefined {
    const record = this.#data.companies.find(keys);
    return record && this.#data.wireCompany(record);
  }

  /** The user holding any of these keys. */
  findUser(keys: Keys): WireUser | undefined {
    const record = this.#data.users.find(keys);
    return record && this.#data.wireUser(record);
  }

  stats(): EmulatorStats {
    const { requests, statuses, failed, rateLimited } = this.requestLog.counts();
    return {
      requests,
      statuses,
      companies: this.#data.companies.size,
      users: this.#data.users.size,
      events: this.#data.events.size,
      eventsReceived: this.#data.events.received,
      duplicates: this.#data.events.duplicates,
      faults: { failed, rateLimited },
    };
  }

  /** The request log, oldest first: arrival times, paths, statuses, faults. */
  requests(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.requestLog.entries(filter);
  }

  /**
   * What was set at run time (admin routes, the inspector) for the company
   * holding `keys`: its plan (`null`: the catalog decides) and its overrides.
   */
  assignmentsOf(keys: Keys): { plan: string | null; overrides: Record<string, EntitlementValue> } {
    const company = this.#data.companyOf(keys);
    return {
      plan: this.#data.entitlements.plan(company.id) ?? null,
      overrides: structuredClone(this.#data.entitlements.overridesOf(company.id)),
    };
  }

  getFlags(): FlagsConfig {
    return structuredClone(this.#data.flags);
  }

  getCatalog(): Catalog {
    return structuredClone(this.#data.entitlements.catalog);
  }

  // ---- writing ----

  /** Replaces the flags (checked first; throws on a bad document). */
  setFlags(config: FlagsConfig): void {
    this.#data.flags = parseFlagsConfig(structuredClone(config));
    this.#changed({ kind: "flags" });
  }

  /** Replaces the catalog (checked first; throws `CatalogError` naming the bad field). Usage stays. */
  setCatalog(catalog: Catalog): void {
    this.#data.entitlements.setCatalog(catalog);
    this.#changed({ kind: "catalog" });
  }

  /** Upserts companies and users given as `POST /companies` / `POST /users` bodies; throws on bad input. */
  seed(seed: StoreSeed): void {
    const companies = (seed.companies ?? []).map(parseCompanyUpsert);
    const users = (seed.users ?? []).map(parseUserUpsert);
    for (const company of companies) this.upsertCompany(company);
    for (const user of users) this.upsertUser(user);
  }

  /** `POST /companies` on checked input. */
  upsertCompany(input: CompanyUpsertInput): WireCompany {
    const record = this.#data.upsertCompany(input, this.#iso());
    this.#changed({ kind: "company", companyId: record.id });
    return this.#data.wireCompany(record);
  }

  /** `POST /users` on checked input: memberships for `company`/`companies`/`company_ids`, companies created as needed. */
  upsertUser(input: UserUpsertInput): WireUser {
    const record = this.#data.upsertUser(input, this.#iso());
    this.#changed({ kind: "user" });
    return this.#data.wireUser(record);
  }

  /**
   * Stores an event; identify events upsert exactly as the REST routes do,
   * track events add their quantity to the company's usage (creating a
   * company not seen before). Returns false (and counts it) for a duplicate
   * `tracker_event_id` / `idempotency_key`: a duplicate is never metered twice.
   */
  recordEvent(event: EventInput, via: StoredEvent["via"]): boolean {
    return this.#intake.record(event, via);
  }

  /**
   * Stores the events of one `POST /batch` body as `recordEvent` does each;
   * answers how many were new. `allTrack`: every event is a well-formed track
   * event (`text` is the body they were parsed from). Such a batch with no
   * duplicate is kept as its text, read back as events when asked for.
   */
  recordBatch(batch: { events: EventInput[]; allTrack: boolean; text: string }): number {
    return this.#intake.recordBatch(batch);
  }

  /** Puts the company holding `keys` on `plan` (a catalog plan key; `null` returns it to the catalog's choice). */
  setCompanyPlan(keys: Keys, plan: string | null): void {
    const company = this.#data.companyOf(keys);
    this.#data.entitlements.setPlan(company.id, plan);
    this.#changed({ kind: "plan", companyId: company.id });
  }

  /** Overrides one feature for the company holding `keys` (`null` clears the override). */
  setCompanyOverride(keys: Keys, feature: string, value: EntitlementValue | null): void {
    const company = this.#data.companyOf(keys);
    this.#data.entitlements.setOverride(company.id, feature, value);
    this.#changed({ kind: "override", companyId: company.id });
  }

  /** Sets one trait of the company holding `keys` (`null` removes it). */
  setCompanyTrait(keys: Keys, trait: string, value: TraitValue): void {
    const company = this.#data.companyOf(keys);
    if (value === null) delete company.traits[trait];
    else company.traits[trait] = value;
    company.updated_at = this.#iso();
    this.#changed({ kind: "company", companyId: company.id });
  }

  /** Forgets all data, usage, run-time plans and overrides, counts and the request log; flags and the catalog stay. */
  reset(): void {
    this.#data.clear();
    this.requestLog.clear();
    this.#changed({ kind: "reset" });
  }

  /** Calls `listener` after every change of data (not of counts); returns an unsubscribe function. */
  onChange(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- flags ----

  /** One flag: a catalog feature answers from overrides, plan and usage; other keys from the flags file. */
  checkFlag(key: string, context: FlagContextInput): WireFlagCheck {
    return this.#data.answer(key, context, this.#now());
  }

  /**
   * Every answer for a context (what `POST /flags/check` and a live push
   * carry): catalog features first, then the flags file's, and the plan.
   */
  answersFor(context: FlagContextInput): WireFlagsCheck {
    return this.#data.answers(context, this.#now());
  }

  /** Same as {@link answersFor} (the route's name). */
  checkFlags(context: FlagContextInput): WireFlagsCheck {
    return this.answersFor(context);
  }

  // ---- persistence ----

  toSnapshot(): StoreSnapshot {
    return this.#data.snapshot();
  }

  /** Replaces all data with a snapshot's; throws (changing nothing) if it is malformed. */
  loadSnapshot(snapshot: unknown): void {
    const parsed = parseSnapshot(snapshot);
    this.reset();
    this.#data.load(parsed);
    this.#changed({ kind: "load" });
  }

  // ---- internals ----

  #iso(): string {
    // Once per millisecond: a burst of events shares one string.
    return isoTime(this.#now());
  }

  #changed(change: StoreChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
