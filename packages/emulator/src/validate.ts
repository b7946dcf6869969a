/**
 * Server-side input checking. Every function here either returns a clean,
 * typed value or throws a 400 whose message names the field (`keys.id`,
 * `events[2].body.event`). Routes parse everything first and only then touch
 * the store, so a bad request never changes state.
 */
import {
  type EventType,
  isPlainObject,
  type Keys,
  LIMITS,
  RESERVED_NAMES,
  type Traits,
  type TraitValue,
} from "@schematic-sdk/core";
import { badRequest } from "./httpError";
import { wellFormedTrack } from "./trackEvent";

const MAX_LENGTH = LIMITS.maxStringLength;
// Core refuses the same names in its validators; it does not export the list.
const EVENT_TYPES = new Set<EventType>(["identify", "track", "flag_check"]);

/** A company or user as an upsert or identify event describes it. */
export interface EntityInput {
  keys: Keys;
  name?: string;
  traits?: Traits;
}

/** `POST /companies` after checking. */
export interface CompanyUpsertInput extends EntityInput {
  id?: string;
  lastSeenAt?: string;
  updateOnly?: boolean;
  removeKeys?: string[];
}

/** `POST /users` after checking. */
export interface UserUpsertInput extends CompanyUpsertInput {
  companies: Keys[];
  companyIds: string[];
}

/** One event of `POST /e` or `POST /batch` after checking. */
export interface EventInput {
  type: EventType;
  body: Record<string, unknown>;
  apiKey: string | null;
  sentAt: string | null;
  trackerEventId: string | null;
  trackerUserId: string | null;
  idempotencyKey: string | null;
  /** For identify events: what to upsert. */
  identify?: { user?: EntityInput; company?: EntityInput };
  /** For track events: what to meter. */
  track?: TrackInput;
}

/** What a track event meters: `quantity` (1 when absent) of `event` for `company`. */
export interface TrackInput {
  event: string;
  company?: Keys;
  quantity: number;
}

/** The context of a flag check. */
export interface FlagContextInput {
  company?: Keys;
  user?: Keys;
}

type Json = Record<string, unknown>;

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value;

/** Parses a request body; anything but a JSON object is a 400. */
export function parseJsonObject(text: string | undefined): Json {
  if (text === undefined || text.trim() === "") throw badRequest("Request body must be a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`Malformed JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(value)) throw badRequest(`Request body must be a JSON object (got ${describe(value)})`);
  return value;
}

function expectObject(value: unknown, path: string): Json {
  if (!isPlainObject(value)) throw badRequest(`${path} must be an object (got ${describe(value)})`);
  return value;
}

function checkName(name: string, path: string): void {
  if (name === "") throw badRequest(`${path} has an empty name`);
  if (name.length > MAX_LENGTH) throw badRequest(`${path}: names are at most ${MAX_LENGTH} characters`);
  if (RESERVED_NAMES.has(name)) throw badRequest(`${path}.${name} is a reserved name`);
}

export function parseKeys(value: unknown, path: string, options: { allowEmpty?: boolean } = {}): Keys {
  const object = expectObject(value, path);
  const keys: Keys = {};
  let count = 0;
  for (const name in object) {
    checkName(name, path);
    const v = object[name];
    if (typeof v !== "string" || v === "") {
      throw badRequest(`${path}.${name} must be a non-empty string (got ${describe(v)})`);
    }
    if (v.length > MAX_LENGTH) throw badRequest(`${path}.${name} is longer than ${MAX_LENGTH} characters`);
    keys[name] = v;
    count++;
  }
  if (count === 0 && !options.allowEmpty) throw badRequest(`${path} must have at least one key`);
  return keys;
}

export function parseTraits(value: unknown, path: string): Traits {
  const object = expectObject(value, path);
  const traits: Traits = {};
  for (const name in object) {
    checkName(name, path);
    const v = object[name];
    const ok = v === null || typeof v === "string" || typeof v === "boolean" || typeof v === "number";
    if (!ok)
      throw badRequest(`${path}.${name} must be a string, number, boolean or null (got ${describe(v)})`);
    traits[name] = v as TraitValue;
  }
  return traits;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw badRequest(`${path} must be a string (got ${describe(value)})`);
  return value;
}

function optionalName(value: unknown, path: string): string | undefined {
  const name = optionalString(value, path);
  if (name !== undefined && name.length > MAX_LENGTH) {
    throw badRequest(`${path} is longer than ${MAX_LENGTH} characters`);
  }
  return name;
}

function optionalTime(value: unknown, path: string): string | undefined {
  const time = optionalString(value, path);
  if (time !== undefined && Number.isNaN(Date.parse(time)))
    throw badRequest(`${path} must be an ISO-8601 time`);
  return time;
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw badRequest(`${path} must be a boolean (got ${describe(value)})`);
  return value;
}

function optionalList<T>(value: unknown, path: string, item: (v: unknown, p: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`${path} must be an array (got ${describe(value)})`);
  return value.map((v, i) => item(v, `${path}[${i}]`));
}

const requiredString = (value: unknown, path: string): string => {
  if (typeof value !== "string" || value === "") throw badRequest(`${path} must be a non-empty string`);
  return value;
};

/** Keys, name and traits of an entity; `prefix` is the path of the object holding them. */
function parseEntity(object: Json, prefix: string, allowEmptyKeys = false): EntityInput {
  if (object.keys === undefined) throw badRequest(`${prefix}keys is required`);
  const entity: EntityInput = {
    keys: parseKeys(object.keys, `${prefix}keys`, { allowEmpty: allowEmptyKeys }),
  };
  const name = optionalName(object.name, `${prefix}name`);
  if (name !== undefined) entity.name = name;
  if (object.traits !== undefined && object.traits !== null) {
    entity.traits = parseTraits(object.traits, `${prefix}traits`);
  }
  return entity;
}

export function parseCompanyUpsert(body: Json): CompanyUpsertInput {
  const input: CompanyUpsertInput = parseEntity(body, "");
  const id = optionalString(body.id, "id");
  if (id !== undefined) input.id = id;
  const lastSeenAt = optionalTime(body.last_seen_at, "last_seen_at");
  if (lastSeenAt !== undefined) input.lastSeenAt = lastSeenAt;
  const updateOnly = optionalBoolean(body.update_only, "update_only");
  if (updateOnly !== undefined) input.updateOnly = updateOnly;
  const removeKeys = optionalList(body.remove_keys, "remove_keys", requiredString);
  if (removeKeys.length > 0) input.removeKeys = removeKeys;
  return input;
}

export function parseUserUpsert(body: Json): UserUpsertInput {
  const base = parseCompanyUpsert(body);
  const companies = optionalList(body.companies, "companies", (v, p) => parseKeys(v, p));
  if (body.company !== undefined && body.company !== null)
    companies.unshift(parseKeys(body.company, "company"));
  const companyIds = optionalList(body.company_ids, "company_ids", requiredString);
  const companyId = optionalString(body.company_id, "company_id");
  if (companyId !== undefined) companyIds.unshift(companyId);
  return { ...base, companies, companyIds };
}

export function parseFlagContext(body: Json): FlagContextInput {
  const context: FlagContextInput = {};
  if (body.company !== undefined && body.company !== null) {
    context.company = parseKeys(body.company, "company", { allowEmpty: true });
  }
  if (body.user !== undefined && body.user !== null) {
    context.user = parseKeys(body.user, "user", { allowEmpty: true });
  }
  return context;
}

function parseIdentifyBody(body: Json, path: string): NonNullable<EventInput["identify"]> {
  const user = parseEntity(body, `${path}.`, true);
  const result: NonNullable<EventInput["identify"]> = {};
  if (Object.keys(user.keys).length > 0) result.user = user;
  if (body.company !== undefined && body.company !== null) {
    result.company = parseEntity(expectObject(body.company, `${path}.company`), `${path}.company.`);
  }
  if (!result.user && !result.company) {
    throw badRequest(`${path}.keys must have at least one key, or ${path}.company must be given`);
  }
  return result;
}

function parseTrackBody(body: Json, path: string): TrackInput {
  const event = requiredString(body.event, `${path}.event`);
  if (event.length > MAX_LENGTH) throw badRequest(`${path}.event is longer than ${MAX_LENGTH} characters`);
  const track: TrackInput = { event, quantity: 1 };
  for (const field of ["company", "user"] as const) {
    if (body[field] !== undefined && body[field] !== null) {
      const keys = parseKeys(body[field], `${path}.${field}`, { allowEmpty: true });
      if (field === "company") track.company = keys;
    }
  }
  if (body.traits !== undefined && body.traits !== null) parseTraits(body.traits, `${path}.traits`);
  const quantity = body.quantity;
  if (quantity !== undefined && quantity !== null) {
    if (typeof quantity !== "number" || !Number.isFinite(quantity) || quantity < 0) {
      throw badRequest(`${path}.quantity must be a non-negative number`);
    }
    track.quantity = quantity;
  }
  return track;
}

/** The track of a stored event body, or undefined when it does not read as one (a data file edited by hand). */
export function trackOf(body: Record<string, unknown>): TrackInput | undefined {
  try {
    return parseTrackBody(body, "body");
  } catch {
    return undefined;
  }
}

/** One event; `path` prefixes messages (`events[3]` in a batch, empty for `POST /e`). */
export function parseEvent(value: unknown, path: string): EventInput {
  const at = (field: string) => (path === "" ? field : `${path}.${field}`);
  const object = expectObject(value, path === "" ? "body" : path);
  const type = object.type;
  if (typeof type !== "string" || !EVENT_TYPES.has(type as EventType)) {
    throw badRequest(`${at("type")} must be one of identify, track, flag_check`);
  }
  const body = expectObject(object.body, at("body"));
  const event: EventInput = {
    type: type as EventType,
    body,
    apiKey: optionalString(object.api_key, at("api_key")) ?? null,
    sentAt: optionalTime(object.sent_at, at("sent_at")) ?? null,
    trackerEventId: optionalString(object.tracker_event_id, at("tracker_event_id")) ?? null,
    trackerUserId: optionalString(object.tracker_user_id, at("tracker_user_id")) ?? null,
    idempotencyKey: optionalString(object.idempotency_key, at("idempotency_key")) ?? null,
  };
  if (type === "identify") event.identify = parseIdentifyBody(body, at("body"));
  else if (type === "track") event.track = parseTrackBody(body, at("body"));
  return event;
}

/** The events of a `POST /batch` body (JSON.parse output); `allTrack` when every one is a well-formed track event. */
export function parseBatch(body: Json): { events: EventInput[]; allTrack: boolean } {
  const events: unknown = body.events;
  if (!Array.isArray(events)) throw badRequest(`events must be an array (got ${describe(events)})`);
  const parsed = new Array<EventInput>(events.length);
  let allTrack = true;
  for (let i = 0; i < events.length; i++) {
    const fast = wellFormedTrack(events[i]);
    if (fast === undefined) allTrack = false;
    parsed[i] = fast ?? parseEvent(events[i], `events[${i}]`);
  }
  return { events: parsed, allTrack };
}
