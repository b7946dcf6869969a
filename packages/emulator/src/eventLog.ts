/**
 * Received events: stored oldest first up to a limit, duplicates (a
 * `tracker_event_id` or `idempotency_key` seen before) counted and refused.
 * An `idempotency_key` is remembered for good; a `tracker_event_id` (which
 * only tells a retried send from a new event) for the last `max` to `2 × max`
 * events, like the events themselves, so memory stays bounded however many
 * events arrive. A batch of track events may be kept as its text
 * (`RawBatch`) and made into events only when they are read.
 */
import { RawBatch } from "./rawBatch";
import type { StoredEvent } from "./records";

/** What the log keeps: one event, or a batch of them as text. */
type LogRecord = StoredEvent | RawBatch;

export class EventLog {
  readonly #max: number;
  #records: LogRecord[] = [];
  /** Events kept (a raw batch holds several). */
  #size = 0;
  /** Tracker ids seen: the current generation and the one before it. */
  #trackerIds = new Set<string>();
  #olderTrackerIds = new Set<string>();
  readonly #keys = new Set<string>();
  /** Events that arrived, duplicates included. */
  received = 0;
  /** Events refused as duplicates. */
  duplicates = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#size;
  }

  /** Counts an arriving event; false (and counted) when its id or key was seen before, else marks them seen. */
  admit(trackerEventId: string | null, key: string | null): boolean {
    this.received++;
    if (
      (trackerEventId !== null &&
        (this.#trackerIds.has(trackerEventId) || this.#olderTrackerIds.has(trackerEventId))) ||
      (key !== null && this.#keys.has(key))
    ) {
      this.duplicates++;
      return false;
    }
    if (trackerEventId !== null) this.#rememberTrackerId(trackerEventId);
    if (key !== null) this.#keys.add(key);
    return true;
  }

  #rememberTrackerId(id: string): void {
    if (this.#trackerIds.size >= this.#max) {
      this.#olderTrackerIds = this.#trackerIds;
      this.#trackerIds = new Set();
    }
    this.#trackerIds.add(id);
  }

  /** Stores an admitted event; beyond the limit the oldest tenth goes. */
  push(event: StoredEvent): void {
    this.#records.push(event);
    this.#size += 1;
    this.#trim();
  }

  /** Stores admitted events kept as their batch's text; beyond the limit the oldest tenth goes. */
  pushRaw(batch: RawBatch): void {
    this.#records.push(batch);
    this.#size += batch.size;
    this.#trim();
  }

  #trim(): void {
    if (this.#size <= this.#max) return;
    let drop = Math.max(Math.ceil(this.#max / 10), this.#size - this.#max);
    this.#size -= drop;
    let whole = 0;
    for (; drop > 0; whole++) {
      const record = this.#records[whole]!;
      if (!(record instanceof RawBatch)) drop -= 1;
      else if (record.size <= drop) drop -= record.size;
      else {
        record.drop(drop);
        break;
      }
    }
    this.#records.splice(0, whole);
  }

  /** Stored events (of one type; the latest `last` of them), oldest first (copies). */
  list(type?: StoredEvent["type"], last?: number): StoredEvent[] {
    if (last !== undefined && last <= 0) return [];
    // From the newest back, so `last` reads only the records it needs.
    const found: StoredEvent[] = [];
    const records = this.#records;
    for (let r = records.length - 1; r >= 0 && (last === undefined || found.length < last); r--) {
      const record = records[r]!;
      if (record instanceof RawBatch) {
        if (type !== undefined && type !== "track") continue;
        const events = record.events(last === undefined ? undefined : last - found.length);
        for (let i = events.length - 1; i >= 0; i--) found.push({ ...events[i]! });
      } else if (type === undefined || record.type === type) found.push({ ...record });
    }
    return found.reverse();
  }

  /** The stored events, oldest first (for a snapshot). */
  all(): StoredEvent[] {
    return this.#records.flatMap((record) => (record instanceof RawBatch ? record.events() : [record]));
  }

  /** Replaces the stored events (loading a snapshot); their ids count as seen. */
  load(events: StoredEvent[]): void {
    this.#records = events.slice();
    this.#size = events.length;
    for (const e of events) {
      if (e.tracker_event_id) this.#rememberTrackerId(e.tracker_event_id);
      if (e.idempotency_key) this.#keys.add(e.idempotency_key);
    }
  }

  clear(): void {
    this.#records = [];
    this.#size = 0;
    this.#trackerIds.clear();
    this.#olderTrackerIds.clear();
    this.#keys.clear();
    this.received = 0;
    this.duplicates = 0;
  }
}
