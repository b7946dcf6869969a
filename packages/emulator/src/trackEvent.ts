/**
 * The common case of event ingestion, checked in one pass: a `track` event
 * as parsed from JSON that is well formed in every field. It answers what
 * `parseEvent` answers for it, without building a field path for messages
 * that are never thrown and without copying what it only checks. Anything it
 * does not accept (another type, any field in doubt) goes through
 * `parseEvent`, which accepts it or refuses it with the message naming the
 * field, so refusals are exactly those of `parseEvent`.
 *
 * Its input is JSON.parse output: objects there are plain, so "an object"
 * is a non-null, non-array `object`.
 */
import { LIMITS, RESERVED_NAMES } from "@schematic-sdk/core";
import type { EventInput } from "./validate";

const MAX_LENGTH = LIMITS.maxStringLength;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** An optional string field: undefined or null become null, a string stays, anything else is refused (`false`). */
const optional = (value: unknown): string | null | false =>
  value === undefined || value === null ? null : typeof value === "string" ? value : false;

const goodName = (name: string): boolean =>
  name !== "" && name.length <= MAX_LENGTH && !RESERVED_NAMES.has(name);

/** Keys as a track event may carry them (possibly none): names and non-empty string values. */
function goodKeys(value: unknown): value is Record<string, string> {
  if (!isObject(value)) return false;
  for (const name in value) {
    const v = value[name];
    if (!goodName(name) || typeof v !== "string" || v === "" || v.length > MAX_LENGTH) return false;
  }
  return true;
}

function goodTraits(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const name in value) {
    const v = value[name];
    if (!goodName(name)) return false;
    if (v !== null && typeof v !== "string" && typeof v !== "boolean" && typeof v !== "number") return false;
  }
  return true;
}

/** The `sent_at` found valid last: the events of a batch usually share it, so it is parsed once. */
let lastTime = "";

/** The event when it is a well-formed track event, else undefined (then `parseEvent` decides). */
export function wellFormedTrack(value: unknown): EventInput | undefined {
  if (!isObject(value) || value.type !== "track") return undefined;
  const body = value.body;
  if (!isObject(body)) return undefined;
  const apiKey = optional(value.api_key);
  const sentAt = optional(value.sent_at);
  const trackerEventId = optional(value.tracker_event_id);
  const trackerUserId = optional(value.tracker_user_id);
  const idempotencyKey = optional(value.idempotency_key);
  if (
    apiKey === false ||
    sentAt === false ||
    trackerEventId === false ||
    trackerUserId === false ||
    idempotencyKey === false
  ) {
    return undefined;
  }
  if (sentAt !== null && sentAt !== lastTime) {
    if (Number.isNaN(Date.parse(sentAt))) return undefined;
    lastTime = sentAt;
  }
  const event = body.event;
  if (typeof event !== "string" || event === "" || event.length > MAX_LENGTH) return undefined;
  const { company, user, traits, quantity } = body;
  if (company !== undefined && company !== null && !goodKeys(company)) return undefined;
  if (user !== undefined && user !== null && !goodKeys(user)) return undefined;
  if (traits !== undefined && traits !== null && !goodTraits(traits)) return undefined;
  let amount = 1;
  if (quantity !== undefined && quantity !== null) {
    if (typeof quantity !== "number" || !Number.isFinite(quantity) || quantity < 0) return undefined;
    amount = quantity;
  }
  return {
    type: "track",
    body,
    apiKey,
    sentAt,
    trackerEventId,
    trackerUserId,
    idempotencyKey,
    track:
      company === undefined || company === null
        ? { event, quantity: amount }
        : { event, quantity: amount, company: company as Record<string, string> },
  };
}

/** How deep a batch of shallow track events nests: batch, events, event, body, company (or user, traits). */
export const SHALLOW_BATCH_DEPTH = 5;

/** No object or array among `value`'s fields except those named. */
function flatExcept(value: Json, nested: (name: string) => boolean): boolean {
  for (const name in value) {
    const v = value[name];
    if (typeof v === "object" && v !== null && !nested(name)) return false;
  }
  return true;
}

const isEvents = (name: string) => name === "events";
const isBody = (name: string) => name === "body";
const isBodyObject = (name: string) => name === "company" || name === "user" || name === "traits";

/**
 * Whether a `POST /batch` body whose events are all well-formed track events
 * (`wellFormedTrack` took each) nests at most `SHALLOW_BATCH_DEPTH` deep:
 * `wellFormedTrack` checks the fields it knows to hold no deeper values, so
 * only the others are looked at.
 */
export function shallowBatch(batch: Json): boolean {
  if (!flatExcept(batch, isEvents)) return false;
  for (const event of batch.events as Json[]) {
    if (!flatExcept(event, isBody) || !flatExcept(event.body as Json, isBodyObject)) return false;
  }
  return true;
}
