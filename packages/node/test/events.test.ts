import { HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SchematicError, SchematicValidationError } from "../src/index";
import { batchRecorder, client, KEY, server, silentLogger } from "./helpers";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

describe("buffered events", () => {
  it("sends identify and track as one POST /batch after flushInterval, never earlier", async () => {
    const batches = batchRecorder();
    const schematic = client();
    schematic.identify({
      keys: { id: "u_1" },
      name: "Ann",
      company: { keys: { id: "c_1" }, traits: { seats: 5 } },
    });
    schematic.track({
      event: "query",
      company: { id: "c_1" },
      user: { id: "u_1" },
      quantity: 3,
      idempotencyKey: "idem-1",
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const [identify, track] = batches[0]!.events;
    expect(identify).toMatchObject({
      api_key: KEY,
      type: "identify",
      body: { keys: { id: "u_1" }, name: "Ann", company: { keys: { id: "c_1" }, traits: { seats: 5 } } },
    });
    expect(track).toMatchObject({
      api_key: KEY,
      type: "track",
      body: { event: "query", company: { id: "c_1" }, user: { id: "u_1" }, quantity: 3, traits: {} },
      idempotency_key: "idem-1",
    });
    expect((identify as unknown as { sent_at: string }).sent_at).toMatch(/Z$/);
  });

  it("stamps sent_at with the time of the call, not of the send, and keeps text exactly", async () => {
    const batches = batchRecorder();
    const schematic = client();
    const calledAt = Date.now();
    schematic.track({ event: "query", traits: { city: "Zürich", note: "ok ✓ 🚀", quote: 'say "hi"\n' } });
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const [event] = batches[0]!.events as unknown as { sent_at: string; body: { traits: unknown } }[];
    expect(event!.sent_at).toBe(new Date(calledAt).toISOString());
    expect(event!.body.traits).toEqual({ city: "Zürich", note: "ok ✓ 🚀", quote: 'say "hi"\n' });
  });

  it("keeps each batch body under 512 KiB (counted in UTF-8 bytes), splitting big events over batches", async () => {
    const batches = batchRecorder();
    const schematic = client();
    // About 61 KB of UTF-8 per event, a third of that in characters: 8 fit in a batch, not 9.
    const traits = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`t${i}`, "€".repeat(200)]));
    for (let i = 0; i < 20; i++) schematic.track({ event: "e", quantity: i, traits });
    await schematic.flush();
    expect(batches.map((b) => b.events.length)).toEqual([8, 8, 4]);
    expect(batches.flatMap((b) => b.events.map((e) => e.body.quantity))).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
  });

  it("sends a full batch of maxBatchSize at once and the rest on the interval", async () => {
    const batches = batchRecorder();
    const schematic = client();
    for (let i = 0; i < 250; i++) schematic.track({ event: "e", quantity: i });
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(batches.map((b) => b.events.length)).toEqual([100, 100]));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(batches.map((b) => b.events.length)).toEqual([100, 100, 50]));
    // Call order is kept across batches.
    expect(batches.flatMap((b) => b.events.map((e) => e.body.quantity))).toEqual(
      Array.from({ length: 250 }, (_, i) => i),
    );
  });

  it("flush() resolves once everything buffered before it is delivered", async () => {
    const batches = batchRecorder();
    const schematic = client();
    schematic.track({ event: "a" });
    schematic.track({ event: "b" });
    await schematic.flush();
    expect(batches).toHaveLength(1);
    expect(schematic.stats).toMatchObject({ pending: 0, delivered: 2, dropped: 0 });
    await expect(schematic.flush()).resolves.toEqual({ pending: 0 });
  });

  it("retries a failed batch with the same event ids until it is delivered", async () => {
    const batches = batchRecorder((n) =>
      n < 3 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({}),
    );
    const schematic = client();
    schematic.track({ event: "a" });
    const flushed = schematic.flush();
    await vi.advanceTimersByTimeAsync(10_000);
    await flushed;
    expect(batches).toHaveLength(3);
    const ids = batches.map((b) => b.events[0]!.tracker_event_id);
    expect(new Set(ids).size).toBe(1);
    expect(schematic.stats).toMatchObject({ delivered: 1, dropped: 0 });
  });

  it("pauses all sending for as long as Retry-After says", async () => {
    const batches = batchRecorder((n) =>
      n === 1
        ? new HttpResponse(null, { status: 429, headers: { "Retry-After": "5" } })
        : HttpResponse.json({}),
    );
    const schematic = client();
    schematic.track({ event: "a" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toHaveLength(1);
    for (let i = 0; i < 150; i++) schematic.track({ event: "b" });
    await vi.advanceTimersByTimeAsync(4_900);
    expect(batches).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    await vi.waitFor(() => expect(batches.length).toBeGreaterThanOrEqual(2));
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(5000);
  });

  it("a wall clock stepped back an hour during a Retry-After pause does not stall delivery", async () => {
    const batches = batchRecorder((n) =>
      n === 1
        ? new HttpResponse(null, { status: 429, headers: { "Retry-After": "2" } })
        : HttpResponse.json({}),
    );
    const schematic = client();
    schematic.track({ event: "a" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toHaveLength(1);
    vi.setSystemTime(Date.now() - 3_600_000); // NTP, or the user, moves the clock back
    await vi.advanceTimersByTimeAsync(2_500);
    await vi.waitFor(() => expect(batches).toHaveLength(2));
  });

  it("drops a batch the API refuses with a 4xx, without retrying, and logs it", async () => {
    const logger = { ...silentLogger(), error: vi.fn() };
    const batches = batchRecorder(() => HttpResponse.json({ error: "bad event" }, { status: 400 }));
    const schematic = client({ logger });
    schematic.track({ event: "a" });
    await schematic.flush();
    expect(batches).toHaveLength(1);
    expect(schematic.stats).toMatchObject({ delivered: 0, dropped: 1, pending: 0 });
    expect(logger.error).toHaveBeenCalledTimes(1);
  });

  it("gives a batch up after maxEventAttempts", async () => {
    const batches = batchRecorder(() => new HttpResponse(null, { status: 500 }));
    const schematic = client({ maxEventAttempts: 4 });
    schematic.track({ event: "a" });
    const flushed = schematic.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    await flushed;
    expect(batches).toHaveLength(4);
    expect(schematic.stats.dropped).toBe(1);
  });

  it("keeps at most maxQueueSize events, dropping the oldest and counting them", async () => {
    const logger = { ...silentLogger(), warn: vi.fn() };
    const batches = batchRecorder();
    const schematic = client({ maxQueueSize: 5, logger });
    for (let i = 0; i < 8; i++) schematic.track({ event: "e", quantity: i });
    expect(schematic.stats).toMatchObject({ pending: 5, dropped: 3 });
    expect(logger.warn).toHaveBeenCalledWith("[schematic]", expect.stringContaining("maxQueueSize 5"));
    await schematic.flush();
    expect(batches[0]!.events.map((e) => e.body.quantity)).toEqual([3, 4, 5, 6, 7]);
  });

  it("while a batch is in flight, the next ones go out and overflow drops the oldest events not yet in a batch", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batches = batchRecorder(async (n) => {
      if (n === 1) await held;
      return HttpResponse.json({});
    });
    const schematic = client({ maxQueueSize: 5, maxBatchSize: 3 });
    for (let i = 0; i < 3; i++) schematic.track({ event: "e", quantity: i });
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    for (let i = 3; i < 10; i++) schematic.track({ event: "e", quantity: i });
    // 3 in flight, 5 waiting (3 and 4 dropped).
    expect(schematic.stats).toMatchObject({ pending: 8, dropped: 2, droppedBy: { overflow: 2 } });
    // The first batch is still held: the second went out anyway.
    await vi.waitFor(() => expect(batches).toHaveLength(2));
    expect(batches[1]!.events.map((e) => e.body.quantity)).toEqual([5, 6, 7]);
    release();
    await schematic.flush();
    const sent = batches.flatMap((b) => b.events.map((e) => e.body.quantity));
    expect(sent).toEqual([0, 1, 2, 5, 6, 7, 8, 9]);
    expect(schematic.stats).toMatchObject({ pending: 0, delivered: 8, dropped: 2 });
  });

  it("while a batch waits to be retried, later batches go out and the retry keeps its event ids", async () => {
    vi.useFakeTimers();
    const batches = batchRecorder((n) =>
      n === 1 ? new HttpResponse(null, { status: 503 }) : HttpResponse.json({}),
    );
    const schematic = client({ maxQueueSize: 5, maxBatchSize: 3 });
    for (let i = 0; i < 3; i++) schematic.track({ event: "e", quantity: i });
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    for (let i = 3; i < 10; i++) schematic.track({ event: "e", quantity: i });
    expect(schematic.stats).toMatchObject({ pending: 8, dropped: 2 });
    const flushed = schematic.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    await flushed;
    const quantities = batches.map((b) => b.events.map((e) => e.body.quantity));
    expect(quantities[0]).toEqual([0, 1, 2]);
    expect(quantities.slice(1)).toEqual(
      expect.arrayContaining([
        [0, 1, 2],
        [5, 6, 7],
        [8, 9],
      ]),
    );
    expect(quantities).toHaveLength(4);
    const retry = batches.slice(1).find((b) => b.events[0]!.body.quantity === 0)!;
    expect(retry.events.map((e) => e.tracker_event_id)).toEqual(
      batches[0]!.events.map((e) => e.tracker_event_id),
    );
    expect(schematic.stats).toMatchObject({ pending: 0, delivered: 8, dropped: 2 });
  });

  it("close() drains the buffer, then refuses new events", async () => {
    const batches = batchRecorder();
    const schematic = client();
    schematic.track({ event: "a" });
    await schematic.close();
    expect(batches).toHaveLength(1);
    expect(() => schematic.track({ event: "late" })).toThrow(SchematicError);
    expect(() => schematic.identify({ keys: { id: "u" } })).toThrow(/closed/);
    await expect(schematic.close()).resolves.toEqual({ pending: 0 });
  });

  it.each([
    ["track without an event", () => client().track({} as never), "event"],
    ["track with a negative quantity", () => client().track({ event: "e", quantity: -2 }), "quantity"],
    [
      "track with an empty idempotency key",
      () => client().track({ event: "e", idempotencyKey: "" }),
      "idempotencyKey",
    ],
    ["identify without keys", () => client().identify({} as never), "keys"],
    [
      "identify with a nested trait",
      () => client().identify({ keys: { id: "u" }, traits: { a: [] as never } }),
      "traits.a",
    ],
  ])("%s throws synchronously and buffers nothing", async (_label, call, path) => {
    const batches = batchRecorder();
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SchematicValidationError);
    expect((error as SchematicValidationError).issues.map((i) => i.path)).toContain(path);
    await vi.advanceTimersByTimeAsync(2000);
    expect(batches).toHaveLength(0);
  });
});
