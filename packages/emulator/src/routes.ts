/**
 * The route table: what each path does. API routes (the protocol of
 * `WIRE.md`) are counted, logged and subject to fault injection; inspection
 * routes (`GET /`, `/inspector/state`, `/companies`, `/users`, `/events`,
 * `/stats`, `/requests`, `/catalog`) and state-changing ones (`POST /reset`, the admin routes) are
 * not, so tests can read and set state while faults are on. State changes
 * need a secret key; every JSON answer masks API keys.
 */
import { maskKey } from "@schematic-sdk/core";
import { matchAdmin } from "./adminRoutes";
import { requireKey } from "./auth";
import { CatalogError } from "./catalog";
import { badRequest } from "./httpError";
import { renderInspector } from "./inspector/page";
import { inspectorState } from "./inspector/state";
import type { InspectorState } from "./inspector/stateTypes";
import { type EmulatorReply, type EmulatorRequest, envelope } from "./reply";
import type { EmulatorStore } from "./store";
import { SHALLOW_BATCH_DEPTH, shallowBatch, wellFormedTrack } from "./trackEvent";
import {
  parseBatch,
  parseCompanyUpsert,
  parseEvent,
  parseFlagContext,
  parseJsonObject,
  parseUserUpsert,
} from "./validate";

export interface RouteContext {
  store: EmulatorStore;
  request: EmulatorRequest;
  /** The token the inspector page sends with its actions. */
  inspectorToken: string;
  /** The decoded `{key}` of `/flags/{key}/check`. */
  flag?: string;
  /** Bodies nested deeper are refused. */
  maxBodyDepth: number;
  /** Throws the 400 of a body nested deeper than `maxBodyDepth` (for a route that `checksDepth`). */
  checkDepth(): void;
}

export interface Route {
  /** `api`: the protocol; `inspect`: reads; `write`: changes state (needs a secret key). */
  kind: "api" | "inspect" | "write";
  /**
   * The route checks its body's depth itself (`checkDepth`), answering as if
   * it had been checked first, and skips the scan where what it parsed
   * bounds the depth already.
   */
  checksDepth?: boolean;
  handle(context: RouteContext): EmulatorReply;
}

const API_KEY_HEADER = "X-Schematic-Api-Key header";
const apiKey = (request: EmulatorRequest) => request.header("x-schematic-api-key");

/** A body that may be absent (flag checks): absent means `{}`. */
const optionalBody = (request: EmulatorRequest) =>
  request.body === undefined || request.body.trim() === "" ? {} : parseJsonObject(request.body);

function page(query: URLSearchParams, total: number) {
  const number = (name: string, fallback: number) => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) throw badRequest(`${name} must be a non-negative integer`);
    return value;
  };
  const offset = number("offset", 0);
  const limit = number("limit", total);
  return { offset, limit, total };
}

function listReply<T>(items: T[], query: URLSearchParams, params: Record<string, unknown> = {}) {
  const { offset, limit, total } = page(query, items.length);
  return envelope(items.slice(offset, offset + limit), { ...params, total, offset, limit });
}

function eventsReply(events: { accepted: number; duplicates: number }) {
  return envelope(events);
}

const routes: Record<string, Route> = {
  "POST /companies": {
    kind: "api",
    handle: ({ store, request }) => {
      requireKey(apiKey(request), ["secret"], API_KEY_HEADER);
      return envelope(store.upsertCompany(parseCompanyUpsert(parseJsonObject(request.body))));
    },
  },
  "POST /users": {
    kind: "api",
    handle: ({ store, request }) => {
      requireKey(apiKey(request), ["secret"], API_KEY_HEADER);
      return envelope(store.upsertUser(parseUserUpsert(parseJsonObject(request.body))));
    },
  },
  "POST /e": {
    kind: "api",
    handle: ({ store, request }) => {
      const body = parseJsonObject(request.body);
      const key = typeof body.api_key === "string" ? body.api_key : null;
      requireKey(key, ["publishable", "secret"], "the body's api_key");
      const stored = store.recordEvent(wellFormedTrack(body) ?? parseEvent(body, ""), "e");
      return eventsReply({ accepted: stored ? 1 : 0, duplicates: stored ? 0 : 1 });
    },
  },
  "POST /batch": {
    kind: "api",
    checksDepth: true,
    handle: ({ store, request, checkDepth, maxBodyDepth }) => {
      const text = request.body ?? "";
      let body: ReturnType<typeof parseJsonObject>;
      let batch: ReturnType<typeof parseBatch>;
      try {
        // Servers batch with their secret key; browsers (transport "batch") with their publishable one.
        requireKey(apiKey(request), ["secret", "publishable"], API_KEY_HEADER);
        body = parseJsonObject(text);
        batch = parseBatch(body);
      } catch (error) {
        // A body too deep is refused for that first, whatever else is wrong with it.
        checkDepth();
        throw error;
      }
      // Well-formed track events and nothing nested beside them: at most SHALLOW_BATCH_DEPTH deep.
      if (!(batch.allTrack && maxBodyDepth >= SHALLOW_BATCH_DEPTH && shallowBatch(body))) checkDepth();
      const { events, allTrack } = batch;
      const accepted = store.recordBatch({ events, allTrack, text });
      return eventsReply({ accepted, duplicates: events.length - accepted });
    },
  },
  "POST /flags/check": {
    kind: "api",
    handle: ({ store, request }) => {
      requireKey(apiKey(request), ["publishable", "secret"], API_KEY_HEADER);
      return envelope(store.checkFlags(parseFlagContext(optionalBody(request))));
    },
  },
  "POST /flags/{key}/check": {
    kind: "api",
    handle: ({ store, request, flag }) => {
      requireKey(apiKey(request), ["publishable", "secret"], API_KEY_HEADER);
      return envelope(store.checkFlag(flag ?? "", parseFlagContext(optionalBody(request))));
    },
  },
  "GET /companies": {
    kind: "inspect",
    handle: ({ store, request }) => listReply(store.companies(), request.query),
  },
  "GET /users": { kind: "inspect", handle: ({ store, request }) => listReply(store.users(), request.query) },
  "GET /events": {
    kind: "inspect",
    handle: ({ store, request }) => {
      const type = request.query.get("type");
      if (type !== null && type !== "identify" && type !== "track" && type !== "flag_check") {
        throw badRequest("type must be identify, track or flag_check");
      }
      const { duplicates, eventsReceived } = store.stats();
      const events = store.events(type ? { type } : {});
      for (const e of events) if (e.api_key !== null) e.api_key = maskKey(e.api_key);
      return listReply(events, request.query, { type, duplicates, received: eventsReceived });
    },
  },
  "GET /stats": { kind: "inspect", handle: ({ store }) => envelope(store.stats()) },
  "GET /requests": {
    kind: "inspect",
    handle: ({ store, request }) => {
      const since = request.query.get("since");
      const filter = {
        ...(request.query.get("path") !== null && { path: request.query.get("path") as string }),
        ...(request.query.get("method") !== null && { method: request.query.get("method") as string }),
        ...(since !== null && { since: Number(since) }),
      };
      return envelope(store.requests(filter), filter);
    },
  },
  "GET /catalog": { kind: "inspect", handle: ({ store }) => envelope(store.getCatalog()) },
  "PUT /catalog": {
    kind: "write",
    handle: ({ store, request }) => {
      const catalog = parseJsonObject(request.body);
      try {
        store.setCatalog(catalog as never);
      } catch (error) {
        if (error instanceof CatalogError) throw badRequest(error.message);
        throw error;
      }
      return envelope(store.getCatalog());
    },
  },
  "POST /reset": {
    kind: "write",
    handle: ({ store }) => {
      store.reset();
      return envelope({ reset: true });
    },
  },
  "GET /": {
    kind: "inspect",
    handle: ({ store, inspectorToken }) => ({
      status: 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
      body: renderInspector(inspectorState({ store }) as InspectorState, inspectorToken),
    }),
  },
  "GET /inspector/state": { kind: "inspect", handle: ({ store }) => envelope(inspectorState({ store })) },
  "GET /favicon.ico": { kind: "inspect", handle: () => ({ status: 204, headers: {}, body: "" }) },
};

const FLAG_PATH = /^\/flags\/([^/]+)\/check$/;

/** What a path matched: a route (and its flag key), or the methods the path does take. */
export type RouteMatch = { route: Route; flag?: string } | { allow: string[] } | undefined;

export function matchRoute(method: string, rawPath: string): RouteMatch {
  const path = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath;
  const route = routes[`${method} ${path}`];
  if (route) return { route };
  const admin = matchAdmin(method, path);
  if (admin)
    return "allow" in admin
      ? admin
      : { route: { kind: admin.write ? "write" : "inspect", handle: admin.handle } };
  const flagMatch = path !== "/flags/check" ? FLAG_PATH.exec(path) : null;
  if (flagMatch) {
    if (method !== "POST") return { allow: ["POST"] };
    let flag: string;
    try {
      flag = decodeURIComponent(flagMatch[1]!);
    } catch {
      throw badRequest("The flag key in the path is not valid URL encoding");
    }
    return { route: routes["POST /flags/{key}/check"]!, flag };
  }
  const allow = ["GET", "POST", "PUT"].filter((m) => routes[`${m} ${path}`]);
  return allow.length > 0 ? { allow } : undefined;
}
