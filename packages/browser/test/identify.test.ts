import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { isSchematicValidationError, memoryStorage, SchematicValidationError } from "../src/index";
import {
  API,
  captureEvents,
  countingStorage,
  countRequests,
  createClient,
  EVENTS,
  fakeLifecycle,
  server,
  settle,
  useServer,
} from "./helpers";

useServer();

const USER = { keys: { id: "u_1", email: "ann@example.com" }, name: "Ann", traits: { role: "admin" } };
const IDENTIFY = { ...USER, company: { keys: { id: "c_1" }, name: "Acme", traits: { seats: 5 } } };

describe("identify", () => {
  it("sets the context synchronously, so the next line's track and checkFlag use it", async () => {
    const received = captureEvents();
    let flagBody: unknown;
    let askedAgain = 0;
    server.use(
      http.post(`${API}/flags/my-flag/check`, async ({ request }) => {
        flagBody = await request.json();
        return HttpResponse.json({ data: { flag: "my-flag", value: true }, params: {} });
      }),
      // The answer came before the identify arrived: it is asked again once it has.
      http.post(`${API}/flags/check`, () => {
        askedAgain++;
        return HttpResponse.json({ data: { flags: [{ flag: "my-flag", value: true }] }, params: {} });
      }),
    );
    const schematic = createClient();
    const identified = schematic.identify(IDENTIFY);
    expect(schematic.getContext()).toEqual({ user: USER.keys, company: { id: "c_1" } });
    const tracked = schematic.track({ event: "query" });
    const flag = schematic.checkFlag("my-flag", { fallback: false });
    await settle(200);
    await expect(identified).resolves.toEqual({ status: "delivered" });
    await expect(tracked).resolves.toEqual({ status: "delivered" });
    await expect(flag).resolves.toBe(true);
    expect(flagBody).toEqual({ user: USER.keys, company: { id: "c_1" } });
    expect(askedAgain).toBe(1);
    expect(received.map((r) => r.event.type)).toEqual(["identify", "track"]);
    expect(received[1]!.event.body).toEqual({
      event: "query",
      company: { id: "c_1" },
      user: USER.keys,
      traits: {},
      quantity: 1,
    });
    schematic.close();
  });

  it("shows each context in the snapshot at once and tells subscribers, with no flag shown", async () => {
    const schematic = createClient();
    let told = 0;
    schematic.subscribe(() => told++);
    const seen = () => schematic.getSnapshot().context;
    expect(seen()).toEqual({});
    schematic.setContext({ user: { id: "u_2" } });
    expect(seen()).toEqual({ user: { id: "u_2" } });
    void schematic.identify(IDENTIFY);
    expect(seen()).toEqual({ user: USER.keys, company: { id: "c_1" } });
    await settle();
    told = 0;
    schematic.setContext({ company: { id: "c_2" } });
    expect(seen()).toEqual({ company: { id: "c_2" } });
    // The same identify again is deduplicated, and its context is back.
    await expect(schematic.identify(IDENTIFY)).resolves.toEqual({ status: "deduplicated" });
    expect(seen()).toEqual({ user: USER.keys, company: { id: "c_1" } });
    expect(seen()).toBe(schematic.getContext());
    expect(Object.isFrozen(seen()) && Object.isFrozen(seen().user)).toBe(true);
    expect(told).toBe(1);
    schematic.close();
  });

  it("sends the wire format of POST /e: body as given, key in the body, UTC sent_at, stable tracker_user_id", async () => {
    const received = captureEvents();
    const schematic = createClient();
    const at = new Date().toISOString();
    await Promise.all([schematic.identify(IDENTIFY), schematic.track({ event: "query" }), settle(200)]);
    const [identify, track] = received;
    expect(identify!.event).toEqual({
      api_key: "api_test_0123456789",
      type: "identify",
      body: IDENTIFY,
      sent_at: at,
      tracker_event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      tracker_user_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(identify!.event.sent_at).toMatch(/Z$/);
    expect(track!.event.tracker_user_id).toBe(identify!.event.tracker_user_id);
    expect(track!.event.tracker_event_id).not.toBe(identify!.event.tracker_event_id);
    expect(identify!.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(identify!.headers.get("x-schematic-client-version")).toMatch(/^@schematic-sdk\/browser@/);
    expect(identify!.headers.get("x-schematic-api-key")).toBeNull();
    schematic.close();
  });

  it("sends one event for identical identifies, whatever the key order, and again after a reload", async () => {
    const received = captureEvents();
    const storage = memoryStorage();
    const first = createClient({ storage });
    const results = await Promise.all([
      first.identify(IDENTIFY),
      first.identify({ company: IDENTIFY.company, traits: { role: "admin" }, name: "Ann", keys: USER.keys }),
      first.identify(structuredClone(IDENTIFY)),
      settle(200),
    ]);
    expect(results.slice(0, 3).map((r) => r?.status)).toEqual(["delivered", "deduplicated", "deduplicated"]);
    first.close();
    const reloaded = createClient({ storage });
    await expect(reloaded.identify(IDENTIFY)).resolves.toEqual({ status: "deduplicated" });
    await Promise.all([reloaded.identify({ ...IDENTIFY, traits: { role: "owner" } }), settle(200)]);
    expect(received.map((r) => r.event.body)).toEqual([IDENTIFY, { ...IDENTIFY, traits: { role: "owner" } }]);
    reloaded.close();
  });

  it("sends a changed identify, and the same one again after reset()", async () => {
    const received = captureEvents();
    const schematic = createClient();
    await Promise.all([schematic.identify(IDENTIFY), settle(200)]);
    const anonymous = received[0]!.event.tracker_user_id;
    schematic.reset();
    expect(schematic.getContext()).toEqual({});
    await Promise.all([schematic.identify(IDENTIFY), settle(200)]);
    expect(received).toHaveLength(2);
    expect(received[1]!.event.tracker_user_id).not.toBe(anonymous);
    schematic.close();
  });
});

describe("bad input", () => {
  const deep: Record<string, unknown> = {};
  deep.self = deep;
  const identifyCases: [string, unknown, string][] = [
    ["no input", undefined, ""],
    ["null", null, ""],
    ["a string", "u_1", ""],
    ["missing keys", {}, "keys"],
    ["empty keys", { keys: {} }, "keys"],
    ["a number key value", { keys: { id: 42 } }, "keys.id"],
    ["an empty key value", { keys: { id: "" } }, "keys.id"],
    ["a key value over 255 characters", { keys: { id: "x".repeat(256) } }, "keys.id"],
    ["21 keys", { keys: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, "v"])) }, "keys"],
    ["a __proto__ key", { keys: JSON.parse('{"__proto__":"x"}') }, "keys.__proto__"],
    ["a constructor trait", { keys: { id: "u" }, traits: { constructor: "x" } }, "traits.constructor"],
    ["a nested trait", { keys: { id: "u" }, traits: { plan: { tier: 1 } } }, "traits.plan"],
    ["an array trait", { keys: { id: "u" }, traits: { tags: ["a"] } }, "traits.tags"],
    ["a NaN trait", { keys: { id: "u" }, traits: { n: Number.NaN } }, "traits.n"],
    ["an Infinity trait", { keys: { id: "u" }, traits: { n: Number.POSITIVE_INFINITY } }, "traits.n"],
    ["a function trait", { keys: { id: "u" }, traits: { f: () => 1 } }, "traits.f"],
    ["a symbol trait", { keys: { id: "u" }, traits: { s: Symbol("s") } }, "traits.s"],
    ["a bigint trait", { keys: { id: "u" }, traits: { b: 1n } }, "traits.b"],
    ["a cyclic trait", { keys: { id: "u" }, traits: { deep } }, "traits.deep"],
    ["a class instance trait", { keys: { id: "u" }, traits: { m: new Map() } }, "traits.m"],
    ["a numeric name", { keys: { id: "u" }, name: 5 }, "name"],
    ["a company without keys", { keys: { id: "u" }, company: { name: "Acme" } }, "company.keys"],
    ["a company string", { keys: { id: "u" }, company: "c_1" }, "company"],
    [
      "a bad company trait",
      { keys: { id: "u" }, company: { keys: { id: "c" }, traits: { plan: {} } } },
      "company.traits.plan",
    ],
    ["a body over 64 KiB", { keys: { id: "u" }, traits: { blob: "x".repeat(70_000) } }, ""],
  ];

  it.each(identifyCases)(
    "identify with %s rejects, sends nothing and changes nothing",
    async (_, input, path) => {
      const storage = countingStorage();
      const requests = countRequests();
      const schematic = createClient({ storage });
      schematic.setContext({ user: { id: "before" } });
      await settle(200);
      const writes = storage.writes;
      const error = await schematic.identify(input as never).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SchematicValidationError);
      expect(isSchematicValidationError(error)).toBe(true);
      expect((error as SchematicValidationError).issues.map((i) => i.path)).toContain(path);
      await settle(200);
      expect(schematic.getContext()).toEqual({ user: { id: "before" } });
      expect(schematic.getSnapshot().queue.pending).toBe(0);
      expect(storage.writes).toBe(writes);
      expect(requests.count).toBe(0);
      schematic.close();
    },
  );

  const trackCases: [string, unknown, string][] = [
    ["no input", undefined, ""],
    ["no event", {}, "event"],
    ["an empty event", { event: "" }, "event"],
    ["a numeric event", { event: 5 }, "event"],
    ["an event over 255 characters", { event: "e".repeat(256) }, "event"],
    ["a negative quantity", { event: "q", quantity: -1 }, "quantity"],
    ["a NaN quantity", { event: "q", quantity: Number.NaN }, "quantity"],
    ["a string quantity", { event: "q", quantity: "2" }, "quantity"],
    ["a number user key", { event: "q", user: { id: 7 } }, "user.id"],
    ["empty company keys", { event: "q", company: {} }, "company"],
    ["a nested trait", { event: "q", traits: { a: { b: 1 } } }, "traits.a"],
  ];

  it.each(trackCases)("track with %s rejects and sends nothing", async (_, input, path) => {
    const requests = countRequests();
    const schematic = createClient();
    const error = await schematic.track(input as never).catch((e: unknown) => e);
    expect((error as SchematicValidationError).issues.map((i) => i.path)).toContain(path);
    await settle(200);
    expect(schematic.getSnapshot().queue.pending).toBe(0);
    expect(requests.count).toBe(0);
    schematic.close();
  });

  it("rejects bad flag keys and contexts without a request", async () => {
    const requests = countRequests();
    const schematic = createClient();
    await expect(schematic.checkFlag("")).rejects.toThrow(SchematicValidationError);
    await expect(schematic.checkFlag(5 as never)).rejects.toThrow(SchematicValidationError);
    expect(() => schematic.setContext({ company: { id: 1 as never } })).toThrow(/company\.id/);
    expect(() => schematic.setContext(null as never)).toThrow(SchematicValidationError);
    expect(schematic.getContext()).toEqual({});
    await settle(200);
    expect(requests.count).toBe(0);
    schematic.close();
  });
});

describe("track", () => {
  it("delivers in call order: identify before the tracks that follow it, even through retries", async () => {
    const received = captureEvents((n) => (n === 1 ? new Response(null, { status: 503 }) : undefined));
    const schematic = createClient();
    const calls = [
      schematic.identify(IDENTIFY),
      schematic.track({ event: "a" }),
      schematic.track({ event: "b", quantity: 3, traits: { source: "ui" } }),
      schematic.track({ event: "c", user: { id: "other" }, company: { id: "c_2" } }),
    ];
    await settle(5000);
    expect(await Promise.all(calls)).toEqual(Array(4).fill({ status: "delivered" }));
    expect(
      received.map((r) => r.event.type === "track" && (r.event.body as { event: string }).event),
    ).toEqual([false, "a", "b", "c"]);
    expect(received[2]!.event.body).toMatchObject({ quantity: 3, traits: { source: "ui" } });
    expect(received[3]!.event.body).toMatchObject({ user: { id: "other" }, company: { id: "c_2" } });
    schematic.close();
  });

  it("sends a track made before any context with what is known", async () => {
    const received = captureEvents();
    const schematic = createClient();
    await Promise.all([schematic.track({ event: "early" }), settle(200)]);
    expect(received[0]!.event.body).toEqual({ event: "early", traits: {}, quantity: 1 });
    schematic.close();
  });

  it("with waitForContext, holds an early track until identify gives a context", async () => {
    const received = captureEvents();
    const schematic = createClient({ waitForContext: true });
    const early = schematic.track({ event: "early" });
    await settle(1000);
    expect(received).toHaveLength(0);
    expect(schematic.getSnapshot().queue.pending).toBe(1);
    void schematic.identify({ keys: { id: "u_1" }, company: { keys: { id: "c_1" } } });
    await settle(1000);
    await expect(early).resolves.toEqual({ status: "delivered" });
    expect(received.map((r) => r.event.type)).toEqual(["track", "identify"]);
    expect(received[0]!.event.body).toMatchObject({ user: { id: "u_1" }, company: { id: "c_1" } });
    schematic.close();
  });

  it("delivers to a custom eventUrl in batches with transport: batch", async () => {
    const batches: unknown[][] = [];
    server.use(
      http.post("http://localhost:9999/batch", async ({ request }) => {
        expect(request.headers.get("x-schematic-api-key")).toBe("api_test_0123456789");
        batches.push(((await request.json()) as { events: unknown[] }).events);
        return HttpResponse.json({});
      }),
    );
    const schematic = createClient({ transport: "batch", eventUrl: "http://localhost:9999/" });
    const calls = Array.from({ length: 150 }, (_, i) => schematic.track({ event: `e${i}` }));
    await settle(500);
    expect(await Promise.all(calls)).toEqual(Array(150).fill({ status: "delivered" }));
    expect(batches.map((b) => b.length)).toEqual([100, 50]);
    schematic.close();
  });

  it("keeps the lifecycle listener count at zero after close", async () => {
    const lifecycle = fakeLifecycle();
    const schematic = createClient({ lifecycle });
    void schematic.track({ event: "x" }).catch(() => {});
    server.use(http.post(`${EVENTS}/e`, () => HttpResponse.json({})));
    expect((lifecycle as unknown as { listeners: number }).listeners).toBe(1);
    schematic.close();
    expect((lifecycle as unknown as { listeners: number }).listeners).toBe(0);
  });
});
