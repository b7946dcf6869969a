/**
 * Received events: stored oldest first up to a limit, duplicates (a
 * `tracker_event_id` or `idempotency_key` seen before) counted and refused.
 * An `idempotency_key` is remembered for good; a `tracker_event_id` (which
 * only tells a retried send from a new event) for the last `max` to `2 × max`
 * events, like the events themselves, so memory stays bounded however many
 * events arrive.
 */
import type { StoredEvent } from "./records";

export class EventLog {
  readonly #max: number;
  #events: StoredEvent[] = [];
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
    return this.#events.length;
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
    this.#events.push(event);
    if (this.#events.length > this.#max) this.#events.splice(0, Math.ceil(this.#max / 10));
  }

  /** Stored events (of one type; the latest `last` of them), oldest first (copies). */
  list(type?: StoredEvent["type"], last?: number): StoredEvent[] {
    if (last !== undefined && last <= 0) return [];
    let events = this.#events;
    if (type && last !== undefined) {
      // The latest of one type, found from the end without filtering every stored event.
      const found: StoredEvent[] = [];
      for (let i = events.length - 1; i >= 0 && found.length < last; i--) {
        if (events[i]!.type === type) found.push(events[i]!);
      }
      events = found.reverse();
    } else {
      if (type) events = events.filter((e) => e.type === type);
      if (last !== undefined) events = events.slice(-last);
    }
    return events.map((e) => ({ ...e }));
  }

  /** The stored events themselves (for a snapshot). */
  all(): StoredEvent[] {
    return this.#events;
  }

  /** Replaces the stored events (loading a snapshot); their ids count as seen. */
  load(events: StoredEvent[]): void {
    this.#events = events;
    for (const e of events) {
      if (e.tracker_event_id) this.#rememberTrackerId(e.tracker_event_id);
      if (e.idempotency_key) this.#keys.add(e.idempotency_key);
    }
  }

  clear(): void {
    this.#events = [];
    this.#trackerIds.clear();
    this.#olderTrackerIds.clear();
    this.#keys.clear();
    this.received = 0;
    this.duplicates = 0;
  }
}
