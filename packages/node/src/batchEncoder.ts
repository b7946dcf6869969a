/**
 * Writes a `POST /batch` body straight from the event store's bytes. An
 * event waits as the JSON of its body (plus `,"idempotency_key":…` when it
 * has one); what every event shares (`api_key`, its type) and what only the
 * wire needs (`sent_at` as text, a fresh `tracker_event_id`) are written
 * here, once per send. The result parses to exactly what core's
 * `createEvent` builds for the same event.
 */
import { type EventType, isoTime, uuid } from "@schematic-sdk/core";
import type { EventStore } from "./eventStore";

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

/** A built batch: its body, how many events it holds, and whether any of them is an identify. */
export interface EncodedBatch {
  body: Uint8Array;
  count: number;
  hasIdentify: boolean;
}

export class BatchEncoder {
  /** Per tag: `{"api_key":"…","type":"…","body":` as UTF-8. */
  readonly #heads: Uint8Array[];

  constructor(apiKey: string) {
    const key = JSON.stringify(apiKey);
    this.#heads = TYPES.map((type) => encoder.encode(`{"api_key":${key},"type":"${type}","body":`));
  }

  /** The body of the events from the store's first on, at most `maxEvents` and `MAX_BATCH_BYTES`; they stay in the store. */
  encode(store: EventStore, maxEvents: number): EncodedBatch & { end: number } {
    const heads = this.#heads;
    const parts: Uint8Array[] = [];
    const tags: number[] = [];
    const tails: string[] = [];
    // `{"events":[` + `]}`, then per event its head, its stored JSON, its tail (ASCII) and a comma.
    let bytes = 13;
    let end = store.first;
    let hasIdentify = false;
    for (; end < store.end && parts.length < maxEvents; end++) {
      const stored = store.bytes(end);
      const tag = store.tag(end);
      // Events of a burst share their millisecond: isoTime formats each one once.
      const tail = `,"sent_at":"${isoTime(store.time(end))}","tracker_event_id":"${uuid()}"}`;
      const size = heads[tag]!.length + stored.length + tail.length + 1;
      if (parts.length > 0 && bytes + size > MAX_BATCH_BYTES) break;
      bytes += size;
      parts.push(stored);
      tags.push(tag);
      tails.push(tail);
      if (tag === EVENT_TAGS.identify) hasIdentify = true;
    }
    const body = new Uint8Array(bytes - 1);
    let at = encoder.encodeInto(`{"events":[`, body).written;
    for (let k = 0; k < parts.length; k++) {
      if (k > 0) body[at++] = 0x2c; // ,
      const head = heads[tags[k]!]!;
      body.set(head, at);
      at += head.length;
      body.set(parts[k]!, at);
      at += parts[k]!.length;
      at += encoder.encodeInto(tails[k]!, body.subarray(at)).written;
    }
    encoder.encodeInto("]}", body.subarray(at));
    return { body, count: parts.length, hasIdentify, end };
  }
}

/** What the store keeps of an event: its body's JSON, then its idempotency key when it has one. */
export function storedEventJson(body: unknown, idempotencyKey: string | undefined): string {
  const json = JSON.stringify(body);
  return idempotencyKey === undefined ? json : `${json},"idempotency_key":${JSON.stringify(idempotencyKey)}`;
}
