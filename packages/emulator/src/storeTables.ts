/**
 * The records behind the emulator's store and what is computed from them
 * alone: companies, users, memberships, stored events, the flags document
 * and the catalog's state (plans, overrides, usage); records in the wire's
 * shapes, metered usage, flag answers, and the data file's snapshot.
 * `EmulatorStore` owns one and adds the API's rules and change notices.
 */
import type { Keys, WireCompany, WireFlagCheck, WireFlagsCheck, WireUser } from "@schematic-sdk/core";
import { EntityTable } from "./entities";
import { EntitlementState } from "./entitlementState";
import { EventLog } from "./eventLog";
import { evaluateFlag, type FlagsConfig } from "./flags";
import { HttpError } from "./httpError";
import { Memberships } from "./memberships";
import { type EntityRecord, type StoredEvent, toWireCompany, toWireUser } from "./records";
import { type ParsedSnapshot, type StoreSnapshot, toSnapshotEntity } from "./snapshot";
import { subjectsOf } from "./subjects";
import { type CompanyUpsertInput, type FlagContextInput, trackOf, type UserUpsertInput } from "./validate";

function hasKeys(keys: Keys): boolean {
  for (const _ in keys) return true;
  return false;
}

export class StoreTables {
  readonly companies = new EntityTable("comp");
  readonly users = new EntityTable("user");
  readonly memberships = new Memberships();
  readonly events: EventLog;
  readonly entitlements = new EntitlementState();
  flags: FlagsConfig = { flags: {} };
  readonly #environmentId: string;

  constructor(params: { environmentId: string; maxEvents: number }) {
    this.#environmentId = params.environmentId;
    this.events = new EventLog(params.maxEvents);
  }

  wireCompany(record: EntityRecord): WireCompany {
    return toWireCompany(record, this.memberships.userCount(record.id), this.#environmentId);
  }

  wireUser(record: EntityRecord): WireUser {
    return toWireUser(record, this.memberships.ofUser(record.id), this.#environmentId);
  }

  /** The company holding `keys`, or a 404 naming them. */
  companyOf(keys: Keys): EntityRecord {
    const company = this.companies.find(keys);
    if (!company) {
      const named = Object.entries(keys)
        .map(([k, v]) => `${k}:${v}`)
        .join(", ");
      throw new HttpError(404, `No company holds the key ${named}; upsert or identify it first`);
    }
    return company;
  }

  /** `POST /companies` on checked input; `now` is the time stamped on what changes. */
  upsertCompany(input: CompanyUpsertInput, now: string): EntityRecord {
    if (input.updateOnly && !this.companies.find(input.keys, input.id)) {
      throw new HttpError(404, "Company not found (update_only is set)");
    }
    return this.companies.upsert(input, now).record;
  }

  /** `POST /users` on checked input: memberships for `company`/`companies`/`company_ids`, companies created as needed. */
  upsertUser(input: UserUpsertInput, now: string): EntityRecord {
    if (input.updateOnly && !this.users.find(input.keys, input.id)) {
      throw new HttpError(404, "User not found (update_only is set)");
    }
    const byId = input.companyIds.map((id) => {
      const company = this.companies.get(id);
      if (!company) throw new HttpError(404, `Company ${id} not found (company_ids)`);
      return company;
    });
    const companies = input.companies.map(
      (keys) => this.companies.find(keys) ?? this.companies.upsert({ keys }, now).record,
    );
    const { record } = this.users.upsert(input, now);
    for (const company of [...companies, ...byId]) this.memberships.link(record.id, company.id, now);
    return record;
  }

  /** Adds `quantity` of `event` to the usage of the company holding `keys` (created if unknown) at `at`. */
  meter(keys: Keys, event: string, quantity: number, at: number): void {
    if (!hasKeys(keys)) return;
    const company =
      this.companies.find(keys) ?? this.companies.upsert({ keys }, new Date(at).toISOString()).record;
    this.entitlements.usage.add(company.id, event, quantity, at);
  }

  /** One flag: a catalog feature answers from overrides, plan and usage; other keys from the flags file. */
  answer(key: string, context: FlagContextInput, now: number): WireFlagCheck {
    const subject = subjectsOf(context, this.companies, this.users);
    return this.entitlements.isFeature(key)
      ? this.entitlements.answer(key, subject.entitlement, now)
      : evaluateFlag(key, this.flags, subject.flags);
  }

  /** Every answer for a context: catalog features first, then the flags file's, and the plan. */
  answers(context: FlagContextInput, now: number): WireFlagsCheck {
    const subject = subjectsOf(context, this.companies, this.users);
    const features = this.entitlements.featureKeys();
    const flags = features.map((key) => this.entitlements.answer(key, subject.entitlement, now));
    for (const key of Object.keys(this.flags.flags)) {
      if (!this.entitlements.isFeature(key)) flags.push(evaluateFlag(key, this.flags, subject.flags));
    }
    return { flags, plan: this.entitlements.planOf(subject.entitlement) };
  }

  snapshot(): StoreSnapshot {
    return {
      version: 1,
      companies: Array.from(this.companies.values(), toSnapshotEntity),
      users: Array.from(this.users.values(), toSnapshotEntity),
      memberships: this.memberships.all(),
      events: this.events.all(),
      ...this.entitlements.toSnapshot(),
    };
  }

  /** Adds a checked snapshot's records (to cleared tables). */
  load(parsed: ParsedSnapshot): void {
    for (const company of parsed.companies) this.companies.insert(company);
    for (const user of parsed.users) this.users.insert(user);
    for (const m of parsed.memberships) this.memberships.add(m);
    this.events.load(parsed.events);
    this.entitlements.load(parsed);
    // Files written before usage was kept: meter the stored track events again.
    if (!parsed.usage) for (const e of parsed.events) this.#remeter(e);
  }

  /** Forgets every record, usage, run-time plan and override; the flags and the catalog stay. */
  clear(): void {
    this.companies.clear();
    this.users.clear();
    this.memberships.clear();
    this.events.clear();
    this.entitlements.clear();
  }

  #remeter(stored: StoredEvent): void {
    if (stored.type !== "track") return;
    const track = trackOf(stored.body);
    const at = Date.parse(stored.received_at);
    if (track?.company && Number.isFinite(at)) this.meter(track.company, track.event, track.quantity, at);
  }
}
