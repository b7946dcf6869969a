/** Builds the exact event objects of `POST /e` and `POST /batch`. */
import { isoTime } from "./clock";
import type { EventType, WireEvent } from "./wire";

/** A random v4 UUID: `crypto.randomUUID` where it exists (secure contexts), else `getRandomValues`. */
export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  // Each byte as two hex digits, a dash before bytes 4, 6, 8 and 10.
  return Array.from(
    b,
    (x, i) => (i > 3 && i < 11 && !(i & 1) ? "-" : "") + (x | 256).toString(16).slice(1),
  ).join("");
}

/**
 * The one event envelope of the SDK, as `POST /e` takes it and each entry of
 * `POST /batch` carries it. `tracker_event_id` is fresh per event and must be
 * kept across retries: servers drop duplicates by it. `sent_at` is wall time
 * (ISO-8601 UTC), formatted once per millisecond.
 *
 * @example
 * createEvent({ apiKey: "api_…", type: "track", body: toWireTrackBody(input), trackerUserId });
 */
export function createEvent(params: {
  apiKey: string;
  type: EventType;
  body: WireEvent["body"];
  trackerUserId?: string | undefined;
  idempotencyKey?: string | undefined;
  /** Wall-clock milliseconds of the call (default: now). */
  time?: number | undefined;
}): WireEvent {
  const event: WireEvent = {
    api_key: params.apiKey,
    type: params.type,
    body: params.body,
    sent_at: isoTime(params.time),
    tracker_event_id: uuid(),
  };
  if (params.trackerUserId !== undefined) event.tracker_user_id = params.trackerUserId;
  if (params.idempotencyKey !== undefined) event.idempotency_key = params.idempotencyKey;
  return event;
}
