/** Builds the exact event objects of `POST /e` and `POST /batch`. */
import type { IdentifyInput } from "./types";
import { type EventType, toWireIdentifyBody, type WireEvent } from "./wire";

/** A random v4 UUID: `crypto.randomUUID` where it exists (secure contexts), else `getRandomValues`. */
export function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === "function") return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * An event envelope. `tracker_event_id` is fresh per event and must be kept
 * across retries: servers drop duplicates by it.
 */
export function createEvent(params: {
  apiKey: string;
  type: EventType;
  body: WireEvent["body"];
  trackerUserId?: string;
  idempotencyKey?: string;
  now?: Date;
}): WireEvent {
  const event: WireEvent = {
    api_key: params.apiKey,
    type: params.type,
    body: params.body,
    sent_at: (params.now ?? new Date()).toISOString(),
    tracker_event_id: uuid(),
  };
  if (params.trackerUserId !== undefined) event.tracker_user_id = params.trackerUserId;
  if (params.idempotencyKey !== undefined) event.idempotency_key = params.idempotencyKey;
  return event;
}

/** An identify event for validated input. */
export function identifyEvent(params: {
  apiKey: string;
  input: IdentifyInput;
  trackerUserId?: string;
}): WireEvent {
  const { input, ...rest } = params;
  return createEvent({ ...rest, type: "identify", body: toWireIdentifyBody(input) });
}
