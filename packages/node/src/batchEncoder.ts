/**
 * Writes a `POST /batch` body straight from the event store's bytes. An
 * event waits as the JSON of its body (plus `,"idempotency_key":…` when it
 * has one); what every event shares (`api_key`, its type) and what only the
 * wire needs (`sent_at` as text, a fresh `tracker_event_id`) are written
 * here, once per send, as bytes: no string is made per event. The result
 * parses to exactly what core's `createEvent` builds for the same event.
 */
import { type EventType, isoTime } from "@schematic-sdk/core";
import type { EventStore } from "./eventStore";
import { writeJson, writeString } from "./jsonBytes";
import { UuidWriter } from "./uuidWriter";

/** A batch body stays well under common 1 MiB request limits. */
export const MAX_BATCH_BYTES = 512 * 1024;

/** Event types as the store tags them. */
export const EVENT_TAGS: Readonly<Record<EventType, number>> = Object.freeze({
  identify: 0,
  track: 1,
  flag_check: 2,
});
const TYPES: readonly EventType[] = ["identify", "track", "flag_check"];

const encoder = new TextEncoder();
const OPEN = encoder.encode(`{"events":[`);
const SENT_AT = encoder.encode(`,"sent_at":"`);
const TRACKER_ID = encoder.encode(`","tracker_event_id":"`);
const CLOSE_EVENT = encoder.encode(`"}`);
const CLOSE = encoder.encode("]}");
const COMMA = 0x2c;
/** A tail without its time: `,"sent_at":"` … `","tracker_event_id":"` + 36 + `"}`. */
const TAIL_BYTES = SENT_AT.length + TRACKER_ID.length + 36 + CLOSE_EVENT.length;

/** A built batch: its body, how many events it holds, and whether any of them is an identify. */
export interface EncodedBatch {
  body: Uint8Array;
  count: number;
  hasIdentify: boolean;
}

export class BatchEncoder {
  /** Per tag: `{"api_key":"…","type":"…","body":` as UTF-8. */
  readonly #heads: Uint8Array[];
  readonly #ids = new UuidWriter();
  /** `sent_at` of the last call time seen, as UTF-8: the events of a burst share their millisecond. */
  #time = Number.NaN;
  #timeBytes = new Uint8Array(0);

  constructor(apiKey: string) {
    const key = JSON.stringify(apiKey);
    this.#heads = TYPES.map((type) => encoder.encode(`{"api_key":${key},"type":"${type}","body":`));
  }

  /** The body of the events from the store's first on, at most `maxEvents` and `MAX_BATCH_BYTES`; they stay in the store. */
  encode(store: EventStore, maxEvents: number): EncodedBatch & { end: number } {
    const heads = this.#heads;
    const first = store.first;
    const last = Math.min(store.end, first + maxEvents);
    // Sizes first, so the body is allocated once and written in place.
    let bytes = OPEN.length + CLOSE.length - 1;
    let end = first;
    let hasIdentify = false;
    for (; end < last; end++) {
      const tag = store.tag(end);
      const size =
        heads[tag]!.length + store.size(end) + TAIL_BYTES + this.#sentAt(store.time(end)).length + 1;
      if (end > first && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      if (tag === EVENT_TAGS.identify) hasIdentify = true;
    }
    const body = new Uint8Array(bytes);
    body.set(OPEN, 0);
    let at = OPEN.length;
    for (let n = first; n < end; n++) {
      if (n > first) body[at++] = COMMA;
      const head = heads[store.tag(n)]!;
      body.set(head, at);
      at += head.length;
      at = store.copy(n, body, at);
      body.set(SENT_AT, at);
      at += SENT_AT.length;
      const time = this.#sentAt(store.time(n));
      body.set(time, at);
      at += time.length;
      body.set(TRACKER_ID, at);
      at += TRACKER_ID.length;
      at = this.#ids.write(body, at);
      body.set(CLOSE_EVENT, at);
      at += CLOSE_EVENT.length;
    }
    body.set(CLOSE, at);
    return { body, count: end - first, hasIdentify, end };
  }

  /** `isoTime(ms)` as UTF-8, made once per millisecond. */
  #sentAt(ms: number): Uint8Array {
    if (ms !== this.#time) {
      this.#time = ms;
      this.#timeBytes = encoder.encode(isoTime(ms));
    }
    return this.#timeBytes;
  }
}

/** What the store keeps of an event: its body's JSON, then its idempotency key when it has one. */
export function storedEventJson(body: unknown, idempotencyKey: string | undefined): string {
  const json = JSON.stringify(body);
  return idempotencyKey === undefined ? json : `${json},"idempotency_key":${JSON.stringify(idempotencyKey)}`;
}

const IDEMPOTENCY_KEY = encoder.encode(`,"idempotency_key":`);

/**
 * The bytes of `storedEventJson(body, idempotencyKey)` written at `at` (see
 * `writeJson`): answers their end, or -1 when `storedEventJson` must make them.
 */
export function writeStoredEvent(
  body: unknown,
  idempotencyKey: string | undefined,
  target: Uint8Array,
  at: number,
  limit: number,
): number {
  const end = writeJson(body, target, at, limit);
  if (idempotencyKey === undefined || end < 0) return end;
  if (end + IDEMPOTENCY_KEY.length > limit) return -1;
  target.set(IDEMPOTENCY_KEY, end);
  return writeString(idempotencyKey, target, end + IDEMPOTENCY_KEY.length, limit);
}
