/**
 * How the store takes events in: each one counted, a duplicate refused, an
 * identify upserting its company and user, a track adding to its company's
 * usage, then the new ones kept in the event log (a batch of well-formed
 * track events as its text, see `RawBatch`).
 */
import { isoTime } from "@schematic-sdk/core";
import { newId, reserveIds } from "./ids";
import { RAW_CHARS_PER_EVENT, RawBatch } from "./rawBatch";
import type { StoredEvent } from "./records";
import type { StoreTables } from "./storeTables";
import type { CompanyUpsertInput, EventInput, UserUpsertInput } from "./validate";

/** An admitted event as the log keeps it. */
const storedEvent = (event: EventInput, via: StoredEvent["via"], receivedAt: string): StoredEvent => ({
  id: newId("evt"),
  type: event.type,
  body: event.body,
  api_key: event.apiKey,
  sent_at: event.sentAt,
  received_at: receivedAt,
  tracker_event_id: event.trackerEventId,
  tracker_user_id: event.trackerUserId,
  idempotency_key: event.idempotencyKey,
  via,
});

export class EventIntake {
  readonly #tables: StoreTables;
  readonly #now: () => number;
  /** The store's own upserts (they tell its listeners). */
  readonly #upsertCompany: (input: CompanyUpsertInput) => void;
  readonly #upsertUser: (input: UserUpsertInput) => void;
  /** Tells the store's listeners that events were stored. */
  readonly #stored: () => void;

  constructor(params: {
    tables: StoreTables;
    now: () => number;
    upsertCompany: (input: CompanyUpsertInput) => void;
    upsertUser: (input: UserUpsertInput) => void;
    stored: () => void;
  }) {
    this.#tables = params.tables;
    this.#now = params.now;
    this.#upsertCompany = params.upsertCompany;
    this.#upsertUser = params.upsertUser;
    this.#stored = params.stored;
  }

  /** One event (`POST /e`, or a batch's): false when it is a duplicate. */
  record(event: EventInput, via: StoredEvent["via"]): boolean {
    const now = this.#now();
    if (!this.#admit(event, now)) return false;
    this.#tables.events.push(storedEvent(event, via, isoTime(now)));
    this.#stored();
    return true;
  }

  /** The events of one `POST /batch` body (see `EmulatorStore.recordBatch`); answers how many were new. */
  recordBatch(batch: { events: EventInput[]; allTrack: boolean; text: string }): number {
    const { events, text } = batch;
    const asText = batch.allTrack && text.length <= events.length * RAW_CHARS_PER_EVENT;
    const now = this.#now();
    /** The new events, once one was not (until then, all before it). */
    let fresh: EventInput[] | undefined = asText ? undefined : [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (this.#admit(event, now)) fresh?.push(event);
      else fresh ??= events.slice(0, i);
    }
    const log = this.#tables.events;
    const receivedAt = isoTime(now);
    if (fresh === undefined) {
      log.pushRaw(
        new RawBatch({ text, count: events.length, firstId: reserveIds(events.length), receivedAt }),
      );
    } else for (const event of fresh) log.push(storedEvent(event, "batch", receivedAt));
    const accepted = fresh?.length ?? events.length;
    if (accepted > 0) this.#stored();
    return accepted;
  }

  /** Counts an arriving event; when it is new, applies it: identify upserts, track usage. */
  #admit(event: EventInput, now: number): boolean {
    if (!this.#tables.events.admit(event.trackerEventId, event.idempotencyKey)) return false;
    const { identify, track } = event;
    if (identify) {
      const { user, company } = identify;
      if (company) this.#upsertCompany(company);
      if (user) this.#upsertUser({ ...user, companies: company ? [company.keys] : [], companyIds: [] });
    }
    if (track?.company) this.#tables.meter(track.company, track.event, track.quantity, now);
    return true;
  }
}
