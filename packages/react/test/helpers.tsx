import { memoryStorage } from "@schematic-sdk/browser";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, vi } from "vitest";

export const API = "https://api.react.test";
export const EVENTS = "https://events.react.test";

/** Everything the fake API received, in order. */
export interface Received {
  events: { type: string; body: unknown }[];
  flagChecks: { flag: string | undefined; body: unknown }[];
}

export const received: Received = { events: [], flagChecks: [] };

/** Flag values the fake API answers with; change them in a test. */
export const flagValues: Record<string, boolean> = {};

export const server = setupServer(
  http.post(`${EVENTS}/e`, async ({ request }) => {
    const event = (await request.json()) as { type: string; body: unknown };
    received.events.push({ type: event.type, body: event.body });
    return HttpResponse.json({ ok: true });
  }),
  http.post(`${API}/flags/:key/check`, async ({ request, params }) => {
    const flag = decodeURIComponent(String(params.key));
    received.flagChecks.push({ flag, body: await request.json() });
    return HttpResponse.json({
      data: { flag, value: flagValues[flag] ?? false, reason: "test" },
      params: {},
    });
  }),
  http.post(`${API}/flags/check`, async ({ request }) => {
    received.flagChecks.push({ flag: undefined, body: await request.json() });
    return HttpResponse.json({
      data: { flags: Object.entries(flagValues).map(([flag, value]) => ({ flag, value })) },
      params: {},
    });
  }),
);

export function resetReceived(): void {
  received.events.length = 0;
  received.flagChecks.length = 0;
  for (const key of Object.keys(flagValues)) delete flagValues[key];
}

/** Installs the fake API for the file (unhandled requests fail the test) and clears what it received after each test. */
export function installFakeApi(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    server.resetHandlers();
    resetReceived();
    vi.restoreAllMocks();
  });
  afterAll(() => server.close());
}

/** Client options pointing at the fake API, with fresh memory storage and no cross-tab locks. */
export const testOptions = () => ({
  apiUrl: API,
  eventUrl: EVENTS,
  storage: memoryStorage(),
  locks: null,
  flushInterval: 0,
});
