/**
 * Track events kept as the `POST /batch` text they arrived in. A burst of
 * well-formed track events is stored as one string per batch instead of an
 * object tree per event, so a store holding a hundred thousand of them gives
 * the garbage collector a thousand strings to keep, not a million objects.
 * The events are made (parsed again) only when asked for: `GET /events`, the
 * inspector, the data file. Each one is then exactly what storing it as an
 * object would have kept; once all of a batch's events were asked for, they
 * are kept as those objects from then on.
 */
import { idAt } from "./ids";
import type { StoredEvent } from "./records";

/** Kept as text when a batch averages at most this many characters per event (else as objects). */
export const RAW_CHARS_PER_EVENT = 1024;

type Json = Record<string, unknown>;

const orNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

export class RawBatch {
  /** The body of the request: `{"events":[…]}`, every event a well-formed track event (until made into events). */
  #text: string | undefined;
  /** Every event of the batch as stored events, once they were all asked for (the text is then let go). */
  #events: StoredEvent[] | undefined;
  /** The id counter of its first event (`idAt`); the others follow. */
  readonly #firstId: number;
  readonly #receivedAt: string;
  /** Events at the front already gone (the log dropped its oldest). */
  #skip = 0;
  readonly #count: number;

  constructor(params: { text: string; count: number; firstId: number; receivedAt: string }) {
    this.#text = params.text;
    this.#count = params.count;
    this.#firstId = params.firstId;
    this.#receivedAt = params.receivedAt;
  }

  /** Events still kept. */
  get size(): number {
    return this.#count - this.#skip;
  }

  /** Forgets the `count` oldest events kept. */
  drop(count: number): void {
    this.#skip = Math.min(this.#count, this.#skip + count);
  }

  /**
   * The events kept, oldest first (or the last `last` of them), as stored
   * events: the log's own objects once all were asked for (a data file
   * written again and again makes them once), else made for the caller.
   */
  events(last?: number): StoredEvent[] {
    const from = last === undefined ? this.#skip : Math.max(this.#skip, this.#count - last);
    if (this.#events) return this.#events.slice(from);
    if (last !== undefined) return this.#make(from);
    this.#events = this.#make(0);
    this.#text = undefined;
    return this.#events.slice(from);
  }

  #make(from: number): StoredEvent[] {
    const raw = (JSON.parse(this.#text!) as { events: Json[] }).events;
    const out: StoredEvent[] = [];
    for (let i = from; i < this.#count; i++) {
      const event = raw[i]!;
      out.push({
        id: idAt("evt", this.#firstId + i),
        type: "track",
        body: event.body as Json,
        api_key: orNull(event.api_key),
        sent_at: orNull(event.sent_at),
        received_at: this.#receivedAt,
        tracker_event_id: orNull(event.tracker_event_id),
        tracker_user_id: orNull(event.tracker_user_id),
        idempotency_key: orNull(event.idempotency_key),
        via: "batch",
      });
    }
    return out;
  }
}
