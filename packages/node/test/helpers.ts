import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { SchematicClient, type SchematicClientOptions } from "../src/index";

export const API = "https://api.node.test";
export const EVENTS = "https://events.node.test";
export const KEY = "sch_dev_unit_0123456789abcd";

export const server = setupServer();

// The client loads ky at its first request; loading it here keeps that real I/O out of fake-timer tests.
await import("ky");

export const silentLogger = () => ({ debug: () => {}, info: () => {}, warn: () => {}, error: () => {} });

export const client = (options: Partial<SchematicClientOptions> = {}) =>
  new SchematicClient({ apiKey: KEY, apiUrl: API, eventUrl: EVENTS, logger: silentLogger(), ...options });

const time = "2030-01-01T00:00:00.000Z";
const key = (entity: "company" | "user", id: string, k: string, v: string) => ({
  id: `ek_${k}`,
  key: k,
  value: v,
  entity_type: entity,
  entity_id: id,
  definition_id: "ekd_1",
  environment_id: "env_1",
  created_at: time,
  updated_at: time,
});

export function wireCompany(keys: Record<string, string>, extra: Record<string, unknown> = {}) {
  return {
    id: "comp_1",
    name: "Acme",
    environment_id: "env_1",
    created_at: time,
    updated_at: time,
    last_seen_at: null,
    user_count: 0,
    traits: {},
    keys: Object.entries(keys).map(([k, v]) => key("company", "comp_1", k, v)),
    ...extra,
  };
}

export function wireUser(keys: Record<string, string>, companyIds: string[] = []) {
  return {
    id: "user_1",
    name: "Ann",
    environment_id: "env_1",
    created_at: time,
    updated_at: time,
    last_seen_at: time,
    traits: {},
    keys: Object.entries(keys).map(([k, v]) => key("user", "user_1", k, v)),
    company_memberships: companyIds.map((company_id, i) => ({
      id: `cmem_${i}`,
      company_id,
      user_id: "user_1",
      created_at: time,
      updated_at: time,
    })),
  };
}

/** Collects `POST /batch` bodies; `answer` decides each response. */
export function batchRecorder(
  answer: (n: number) => Response | Promise<Response> = () => HttpResponse.json({}),
) {
  const batches: {
    at: number;
    events: { type: string; tracker_event_id: string; body: Record<string, unknown> }[];
  }[] = [];
  server.use(
    http.post(`${EVENTS}/batch`, async ({ request }) => {
      const body = (await request.json()) as { events: never[] };
      batches.push({ at: Date.now(), events: body.events });
      return answer(batches.length);
    }),
  );
  return batches;
}

/** The error a promise rejects with (failing the test if it resolves). */
export const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as Error,
  );
