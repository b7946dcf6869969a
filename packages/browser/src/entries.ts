/**
 * A queued event as the queue holds and stores it, the list that holds
 * them, and the reading back of a stored queue (a closed tab's, or an older
 * version's): each entry checked by shape, anything else left out and never
 * sent.
 */
import { isPlainObject, type WireEvent } from "@schematic-sdk/core";
import type { DeliveryResult } from "./options";

/** One queued event, stored as it is (JSON skips `resolve`; settled entries have left the queue). */
export interface Entry {
  event: WireEvent;
  /** Failed sends so far. */
  attempts: number;
  /** Set while a `track` waits for a context. */
  waiting?: 1;
  /** Delivered or dropped. */
  settled?: 1;
  /** When its delivery request went out (monotonic ms), while one is on its way or once it was accepted. */
  sent?: number;
  /** Settles the caller's promise. */
  resolve?: (result: DeliveryResult) => void;
}

/** An entry as an older version stored it (`{ e, a, w }`). */
interface StoredEntryV0 {
  e: WireEvent;
  a?: number;
  w?: 1;
}

/**
 * Entries read back from storage (a closed tab's queue): the current shape
 * or the older one, each checked; anything else is left out, never sent.
 */
export function readEntries(stored: unknown, log: (...args: unknown[]) => void): Entry[] {
  const out: Entry[] = [];
  if (!Array.isArray(stored)) {
    if (stored != null) log("discarded a stored queue of an unknown shape");
    return out;
  }
  for (const item of stored as (Entry & StoredEntryV0)[]) {
    const event = item?.event ?? item?.e;
    if (!isPlainObject(event) || !isPlainObject(event.body) || typeof event.sent_at !== "string") continue;
    const entry: Entry = { event, attempts: Number(item.attempts ?? item.a) || 0 };
    if (item.waiting ?? item.w) entry.waiting = 1;
    out.push(entry);
  }
  if (out.length < stored.length)
    log(`discarded ${stored.length - out.length} stored events of an unknown shape`);
  return out;
}

/**
 * The queue's entries, oldest first. Settled entries at the front leave in
 * one splice once they are a sixteenth of the list: a burst past
 * `maxQueueSize` drops the oldest on every call, and shifting the whole
 * array each time would cost more than the call.
 */
export class EntryList {
  #list: Entry[] = [];
  /** Settled entries still at the front of `#list`. */
  #head = 0;

  get size(): number {
    return this.#list.length - this.#head;
  }

  /** The entries, oldest first (the settled front removed). */
  get all(): Entry[] {
    if (this.#head > 0) {
      this.#list.splice(0, this.#head);
      this.#head = 0;
    }
    return this.#list;
  }

  set all(list: Entry[]) {
    this.#list = list;
    this.#head = 0;
  }

  push(x: Entry): void {
    this.#list.push(x);
  }

  /** The oldest entry `skip` does not hold. */
  oldest(skip: Set<Entry>): Entry | undefined {
    const q = this.#list;
    for (let i = this.#head; i < q.length; i++) if (!skip.has(q[i]!)) return q[i];
    return undefined;
  }

  /** Takes out a settled entry (mostly the oldest). */
  remove(x: Entry): void {
    const q = this.#list;
    const i = q.indexOf(x, this.#head);
    if (i === this.#head) {
      if (++this.#head * 16 > q.length) void this.all;
    } else if (i > 0) q.splice(i, 1);
  }
}
