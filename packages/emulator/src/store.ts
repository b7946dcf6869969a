/**
 * The emulator's state: companies, users, memberships, events, flags, and the
 * bookkeeping tests read (counts and the request log). Everything is in
 * memory and indexed; no request costs a scan.
 */
import type { Keys, WireCompany, WireFlagCheck, WireFlagsCheck, WireUser } from "@schematic-sdk/core";
import { EntityTable } from "./entities";
import { EventLog } from "./eventLog";
import { evaluateFlag, type FlagSubject, type FlagsConfig, parseFlagsConfig } from "./flags";
import { HttpError } from "./httpError";
import { newId } from "./ids";
import { Memberships } from "./memberships";
import { type EntityRecord, type StoredEvent, toWireCompany, toWireUser } from "./records";
import { RequestLog, type RequestLogEntry, type RequestLogFilter } from "./requestLog";
import { parseSnapshot, type StoreSnapshot, toSnapshotEntity } from "./snapshot";
import {
  type CompanyUpsertInput,
  type EventInput,
  type FlagContextInput,
  parseCompanyUpsert,
  parseUserUpsert,
  type UserUpsertInput,
} from "./validate";

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

/** Options of {@link EmulatorStore}; all optional. */
export interface StoreOptions {
  environmentId?: string;
  now?: () => number;
  requestLogLimit?: number;
  maxEvents?: number;
}

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
  readonly #companies = new EntityTable("comp");
  readonly #users = new EntityTable("user");
  readonly #memberships = new Memberships();
  readonly #events: EventLog;
  #flags: FlagsConfig = { flags: {} };
  /** The API request log and counts; the request handler writes it. */
  readonly requestLog: RequestLog;
  readonly #listeners = new Set<() => void>();

  constructor(options: StoreOptions = {}) {
    this.environmentId = options.environmentId ?? "env_emulator";
    this.#now = options.now ?? Date.now;
    this.#events = new EventLog(options.maxEvents ?? 100_000);
    this.requestLog = new RequestLog(options.requestLogLimit ?? 10_000, this.#now);
  }

  // ---- reading ----

  /** Every company, oldest first, as `GET /companies` answers them. */
  companies(): WireCompany[] {
    return Array.from(this.#companies.values(), (c) => this.#wireCompany(c));
  }

  /** Every user, oldest first, as `GET /users` answers them. */
  users(): WireUser[] {
    return Array.from(this.#users.values(), (u) => this.#wireUser(u));
  }

  /** Stored events, oldest first (copies). */
  events(filter: { type?: StoredEvent["type"] } = {}): StoredEvent[] {
    return this.#events.list(filter.type);
  }

  /** The company holding any of these keys. */
  findCompany(keys: Keys): WireCompany | undefined {
    const record = this.#companies.find(keys);
    return record && this.#wireCompany(record);
  }

  /** The user holding any of these keys. */
  findUser(keys: Keys): WireUser | undefined {
    const record = this.#users.find(keys);
    return record && this.#wireUser(record);
  }

  stats(): EmulatorStats {
    const { requests, statuses, failed, rateLimited } = this.requestLog.counts();
    return {
      requests,
      statuses,
      companies: this.#companies.size,
      users: this.#users.size,
      events: this.#events.size,
      eventsReceived: this.#events.received,
      duplicates: this.#events.duplicates,
      faults: { failed, rateLimited },
    };
  }

  /** The request log, oldest first: arrival times, paths, statuses, faults. */
  requests(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.requestLog.entries(filter);
  }

  getFlags(): FlagsConfig {
    return structuredClone(this.#flags);
  }

  // ---- writing ----

  /** Replaces the flags (checked first; throws on a bad document). */
  setFlags(config: FlagsConfig): void {
    this.#flags = parseFlagsConfig(structuredClone(config));
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
    if (input.updateOnly && !this.#companies.find(input.keys, input.id)) {
      throw new HttpError(404, "Company not found (update_only is set)");
    }
    const { record } = this.#companies.upsert(input, this.#iso());
    this.#changed();
    return this.#wireCompany(record);
  }

  /** `POST /users` on checked input: memberships for `company`/`companies`/`company_ids`, companies created as needed. */
  upsertUser(input: UserUpsertInput): WireUser {
    if (input.updateOnly && !this.#users.find(input.keys, input.id)) {
      throw new HttpError(404, "User not found (update_only is set)");
    }
    const byId = input.companyIds.map((id) => {
      const company = this.#companies.get(id);
      if (!company) throw new HttpError(404, `Company ${id} not found (company_ids)`);
      return company;
    });
    const now = this.#iso();
    const companies = input.companies.map(
      (keys) => this.#companies.find(keys) ?? this.#companies.upsert({ keys }, now).record,
    );
    const { record } = this.#users.upsert(input, now);
    for (const company of [...companies, ...byId]) this.#memberships.link(record.id, company.id, now);
    this.#changed();
    return this.#wireUser(record);
  }

  /**
   * Stores an event; identify events upsert exactly as the REST routes do.
   * Returns false (and counts it) for a duplicate `tracker_event_id` / `idempotency_key`.
   */
  recordEvent(event: EventInput, via: StoredEvent["via"]): boolean {
    if (!this.#events.admit(event.trackerEventId, event.idempotencyKey)) return false;
    const { user, company } = event.identify ?? {};
    if (company) this.upsertCompany(company);
    if (user) this.upsertUser({ ...user, companies: company ? [company.keys] : [], companyIds: [] });
    this.#events.push({
      id: newId("evt"),
      type: event.type,
      body: event.body,
      api_key: event.apiKey,
      sent_at: event.sentAt,
      received_at: this.#iso(),
      tracker_event_id: event.trackerEventId,
      tracker_user_id: event.trackerUserId,
      idempotency_key: event.idempotencyKey,
      via,
    });
    this.#changed();
    return true;
  }

  /** Forgets all data, counts and the request log; flags stay. */
  reset(): void {
    this.#companies.clear();
    this.#users.clear();
    this.#memberships.clear();
    this.#events.clear();
    this.requestLog.clear();
    this.#changed();
  }

  /** Calls `listener` after every change of data (not of counts); returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  // ---- flags ----

  checkFlag(key: string, context: FlagContextInput): WireFlagCheck {
    return evaluateFlag(key, this.#flags, this.#subject(context));
  }

  checkFlags(context: FlagContextInput): WireFlagsCheck {
    const subject = this.#subject(context);
    return {
      flags: Object.keys(this.#flags.flags).map((key) => evaluateFlag(key, this.#flags, subject)),
      plan: null,
    };
  }

  // ---- persistence ----

  toSnapshot(): StoreSnapshot {
    return {
      version: 1,
      companies: Array.from(this.#companies.values(), toSnapshotEntity),
      users: Array.from(this.#users.values(), toSnapshotEntity),
      memberships: this.#memberships.all(),
      events: this.#events.all(),
    };
  }

  /** Replaces all data with a snapshot's; throws (changing nothing) if it is malformed. */
  loadSnapshot(snapshot: unknown): void {
    const parsed = parseSnapshot(snapshot);
    this.reset();
    for (const company of parsed.companies) this.#companies.insert(company);
    for (const user of parsed.users) this.#users.insert(user);
    for (const m of parsed.memberships) this.#memberships.add(m);
    this.#events.load(parsed.events);
    this.#changed();
  }

  // ---- internals ----

  #iso(): string {
    return new Date(this.#now()).toISOString();
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  #wireCompany(record: EntityRecord): WireCompany {
    return toWireCompany(record, this.#memberships.userCount(record.id), this.environmentId);
  }

  #wireUser(record: EntityRecord): WireUser {
    return toWireUser(record, this.#memberships.ofUser(record.id), this.environmentId);
  }

  #subject(context: FlagContextInput): FlagSubject {
    const subject: FlagSubject = {};
    if (context.company) {
      subject.companyKeys = context.company;
      const company = this.#companies.find(context.company);
      if (company) subject.company = { id: company.id, traits: company.traits };
    }
    if (context.user) {
      subject.userKeys = context.user;
      const user = this.#users.find(context.user);
      if (user) subject.user = { id: user.id, traits: user.traits };
    }
    return subject;
  }
}
