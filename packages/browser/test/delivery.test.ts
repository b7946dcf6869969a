import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import { type DroppedEvent, isSchematicApiError, memoryStorage, type SchematicOptions } from "../src/index";
import {
  captureEvents,
  countRequests,
  createClient,
  EVENTS,
  fakeLifecycle,
  server,
  settle,
  useServer,
} from "./helpers";

useServer();

const eventName = (event: { body: unknown }) => (event.body as { event: string }).event;

/** An offline client recording the names of the events it drops and of those the API receives. */
function offlineClient(options: SchematicOptions) {
  const received = captureEvents();
  const lifecycle = fakeLifecycle();
  lifecycle.isOnline = false;
  const drops: string[] = [];
  const schematic = createClient({ ...options, lifecycle, onDrop: (d) => drops.push(eventName(d.event)) });
  const goOnline = () => {
    lifecycle.isOnline = true;
    lifecycle.emit("online");
  };
  return { schematic, drops, goOnline, receivedNames: () => received.map((r) => eventName(r.event)) };
}

/** Answers `status` to every event, recording when each attempt came and for which event. */
function failing(status: number | "network", headers: Record<string, string> = {}) {
  const attempts: { at: number; id: string | undefined }[] = [];
  server.use(
    http.post(`${EVENTS}/e`, async ({ request }) => {
      const event = (await request.json()) as { tracker_event_id?: string };
      attempts.push({ at: Date.now(), id: event.tracker_event_id });
      return status === "network" ? HttpResponse.error() : new HttpResponse(null, { status, headers });
    }),
  );
  return attempts;
}

describe("retries", () => {
  it("backs off exponentially with full jitter up to 30 s, keeps tracker_event_id, and drops after maxAttempts", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.999);
    const attempts = failing(503);
    const drops: DroppedEvent[] = [];
    const schematic = createClient({ onDrop: (d) => drops.push(d) });
    const start = Date.now();
    const result = schematic.track({ event: "query" });
    await settle(200_000);
    await expect(result).resolves.toMatchObject({ status: "dropped", reason: "attempts" });
    expect(attempts).toHaveLength(10);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
    const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
    expect(attempts[0]!.at - start).toBe(100);
    expect(gaps).toEqual([999, 1998, 3996, 7992, 15984, 29970, 29970, 29970, 29970]);
    expect(drops).toHaveLength(1);
    expect(drops[0]!.reason).toBe("attempts");
    expect(isSchematicApiError(drops[0]!.error) && drops[0]!.error.status).toBe(503);
    expect(schematic.getSnapshot().queue).toEqual({ pending: 0, delivered: 0, dropped: 1 });
    schematic.close();
  });

  it("retries network errors, the first retry within a second", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    let calls = 0;
    server.use(http.post(`${EVENTS}/e`, () => (++calls < 3 ? HttpResponse.error() : HttpResponse.json({}))));
    const schematic = createClient();
    const result = schematic.identify({ keys: { id: "u" } });
    await settle(100);
    expect(calls).toBe(1);
    await settle(500);
    expect(calls).toBe(2);
    await settle(1000);
    await expect(result).resolves.toEqual({ status: "delivered" });
    schematic.close();
  });

  it("honours Retry-After by pausing every send, not just the failed event", async () => {
    let calls = 0;
    const received: { at: number; event: string }[] = [];
    server.use(
      http.post(`${EVENTS}/e`, async ({ request }) => {
        const { body } = (await request.json()) as { body: { event: string } };
        if (++calls === 1) return new HttpResponse(null, { status: 429, headers: { "Retry-After": "7" } });
        received.push({ at: Date.now(), event: body.event });
        return HttpResponse.json({});
      }),
    );
    const schematic = createClient();
    const start = Date.now();
    void schematic.track({ event: "first" });
    await settle(200);
    void schematic.track({ event: "second" });
    await settle(5000);
    expect(received).toEqual([]);
    await settle(3000);
    expect(received.map((r) => r.event)).toEqual(["first", "second"]);
    expect(received[0]!.at - start).toBe(7100);
    schematic.close();
  });

  it("a wall clock stepped back an hour during a Retry-After pause does not stall delivery", async () => {
    let calls = 0;
    const received: string[] = [];
    server.use(
      http.post(`${EVENTS}/e`, async ({ request }) => {
        const { body } = (await request.json()) as { body: { event: string } };
        if (++calls === 1) return new HttpResponse(null, { status: 429, headers: { "Retry-After": "2" } });
        received.push(body.event);
        return HttpResponse.json({});
      }),
    );
    const schematic = createClient();
    void schematic.track({ event: "paused" });
    await settle(200);
    expect(calls).toBe(1);
    vi.setSystemTime(Date.now() - 3_600_000); // NTP, or the user, moves the clock back
    await settle(2_500);
    expect(received).toEqual(["paused"]);
    schematic.close();
  });

  it("drops an event the API refuses with a 4xx, reports it, and carries on", async () => {
    let calls = 0;
    const received = captureEvents(() =>
      ++calls === 1 ? HttpResponse.json({ error: "Invalid keys" }, { status: 400 }) : undefined,
    );
    const drops: DroppedEvent[] = [];
    const schematic = createClient({
      onDrop: (d) => {
        drops.push(d);
        throw new Error("a throwing onDrop must not stop delivery");
      },
    });
    const bad = schematic.track({ event: "bad" });
    const good = schematic.track({ event: "good" });
    await settle(500);
    const dropped = await bad;
    expect(dropped).toMatchObject({ status: "dropped", reason: "rejected" });
    expect(await good).toEqual({ status: "delivered" });
    expect(drops.map((d) => d.reason)).toEqual(["rejected"]);
    expect((drops[0]!.error as Error).message).toContain("Invalid keys");
    expect(received).toHaveLength(1);
    expect(calls).toBe(2);
    expect(schematic.getSnapshot().queue).toEqual({ pending: 0, delivered: 1, dropped: 1 });
    schematic.close();
  });

  it("gives up events older than maxEventAge", async () => {
    failing(500);
    const drops: DroppedEvent[] = [];
    const schematic = createClient({ maxEventAge: 5_000, onDrop: (d) => drops.push(d) });
    const result = schematic.track({ event: "old" });
    await settle(60_000);
    await expect(result).resolves.toMatchObject({ status: "dropped", reason: "expired" });
    expect(drops.map((d) => d.reason)).toEqual(["expired"]);
    schematic.close();
  });
});

describe("expiry while offline", () => {
  it("drops every expired event at the head and sends the fresh one behind them", async () => {
    const { schematic, drops, goOnline, receivedNames } = offlineClient({ maxEventAge: 5_000 });
    const old = ["a", "b", "c"].map((event) => schematic.track({ event }));
    await settle(6_000);
    const fresh = schematic.track({ event: "d" });
    goOnline();
    await settle(500);
    expect(drops).toEqual(["a", "b", "c"]);
    for (const result of old) await expect(result).resolves.toMatchObject({ reason: "expired" });
    await expect(fresh).resolves.toEqual({ status: "delivered" });
    expect(receivedNames()).toEqual(["d"]);
    schematic.close();
  });
});

describe("bounds and network state", () => {
  it("drops the oldest events beyond maxQueueSize, reports and counts each", async () => {
    const { schematic, drops, goOnline, receivedNames } = offlineClient({ maxQueueSize: 3 });
    const results = ["a", "b", "c", "d", "e"].map((event) => schematic.track({ event }));
    expect(drops).toEqual(["a", "b"]);
    await expect(results[0]).resolves.toEqual({ status: "dropped", reason: "overflow", error: undefined });
    expect(schematic.getSnapshot().queue).toEqual({ pending: 3, delivered: 0, dropped: 2 });
    goOnline();
    await settle(500);
    expect(receivedNames()).toEqual(["c", "d", "e"]);
    schematic.close();
  });

  it("attempts nothing while offline and resumes on the online event", async () => {
    const requests = countRequests();
    const received = captureEvents();
    const lifecycle = fakeLifecycle();
    lifecycle.isOnline = false;
    const schematic = createClient({ lifecycle });
    const result = schematic.track({ event: "x" });
    await settle(120_000);
    expect(requests.count).toBe(0);
    lifecycle.isOnline = true;
    lifecycle.emit("online");
    await settle(0);
    await expect(result).resolves.toEqual({ status: "delivered" });
    expect(received).toHaveLength(1);
    schematic.close();
  });
});

describe("page hide", () => {
  it.each(["pagehide", "hidden"] as const)(
    "%s sends the head of the queue with keepalive in one ordered request",
    async (event) => {
      const received = captureEvents();
      const lifecycle = fakeLifecycle();
      const keepalive: string[][] = [];
      const schematic = createClient({
        lifecycle,
        flushInterval: 60_000,
        fetch: (url, init) => {
          if (init.keepalive)
            keepalive.push([(JSON.parse(String(init.body)) as { body: { event: string } }).body.event]);
          return fetch(url, init);
        },
      });
      for (let i = 0; i < 10; i++) void schematic.track({ event: `e${i}` });
      lifecycle.emit(event);
      await vi.advanceTimersByTimeAsync(0);
      await vi.advanceTimersByTimeAsync(0);
      // One event per `POST /e`: parallel requests could arrive out of order, so only the head goes.
      expect(keepalive).toEqual([["e0"]]);
      await settle(100);
      // After pagehide this tab has let go of its queue: the rest waits in storage. Merely hidden, it carries on.
      expect(received.map((r) => (r.event.body as { event: string }).event)).toEqual(
        event === "pagehide" ? ["e0"] : Array.from({ length: 10 }, (_, i) => `e${i}`),
      );
      schematic.close();
    },
  );

  it("with transport batch, page hide sends what fits 64 KiB as one keepalive batch, in order", async () => {
    const received = captureEvents();
    const lifecycle = fakeLifecycle();
    const keepalive: string[][] = [];
    const schematic = createClient({
      lifecycle,
      transport: "batch",
      flushInterval: 60_000,
      fetch: (url, init) => {
        if (init.keepalive) {
          const { events } = JSON.parse(String(init.body)) as { events: { body: { event: string } }[] };
          keepalive.push(events.map((e) => e.body.event));
        }
        return fetch(url, init);
      },
    });
    const blob = "x".repeat(9_000);
    for (let i = 0; i < 10; i++) void schematic.track({ event: `e${i}`, traits: { blob } });
    lifecycle.emit("pagehide");
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(0);
    // Six bodies of ~9 KB fit under 60,000 bytes.
    expect(keepalive).toEqual([["e0", "e1", "e2", "e3", "e4", "e5"]]);
    await settle(100);
    expect(received).toHaveLength(6);
    schematic.close();
  });

  it("an event that has failed is not sent with keepalive at page hide: the next page sends it, once", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const storage = memoryStorage();
    const lifecycle = fakeLifecycle();
    const sends: boolean[] = [];
    const first = createClient({
      storage,
      lifecycle,
      flushInterval: 0,
      // The server is down: the first attempt is refused, its retry gets no answer.
      fetch: (_url, init) => {
        sends.push(init.keepalive === true);
        return sends.length === 1 ? Promise.reject(new TypeError("Failed to fetch")) : new Promise(() => {});
      },
    });
    void first.track({ event: "left" });
    await settle(600);
    expect(sends).toEqual([false, false]);
    // A keepalive request outlives its page: sent now, it could land just as the next page sends the same event.
    lifecycle.emit("pagehide");
    await settle(10);
    expect(sends).toEqual([false, false]);
    first.close();
    const received = captureEvents();
    const next = createClient({ storage });
    next.mount();
    await settle(3_000);
    expect(received.map((r) => (r.event.body as { event: string }).event)).toEqual(["left"]);
    next.close();
  });

  it("a request in flight at page hide goes again with keepalive, once, and is counted once", async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const received = captureEvents();
    const lifecycle = fakeLifecycle();
    const schematic = createClient({
      lifecycle,
      flushInterval: 0,
      fetch: async (url, init) => {
        calls += 1;
        if (calls === 1) await held;
        return fetch(url, init);
      },
    });
    const delivered = schematic.track({ event: "only" });
    await settle(10);
    expect(calls).toBe(1);
    lifecycle.emit("hidden");
    lifecycle.emit("hidden");
    await settle(10);
    expect(calls).toBe(2);
    release();
    await expect(delivered).resolves.toEqual({ status: "delivered" });
    await settle(10);
    expect(received).toHaveLength(2); // the server drops the second by its tracker_event_id
    expect(new Set(received.map((r) => r.event.tracker_event_id)).size).toBe(1);
    expect(schematic.getSnapshot().queue).toMatchObject({ pending: 0, delivered: 1 });
    schematic.close();
  });

  it("keeps what was not acknowledged stored, for the next page", async () => {
    failing(503);
    const storage = memoryStorage();
    const lifecycle = fakeLifecycle();
    const schematic = createClient({ storage, lifecycle });
    void schematic.track({ event: "kept" });
    lifecycle.emit("pagehide");
    await settle(0);
    schematic.close(); // the page is gone
    const received = captureEvents();
    const next = createClient({ storage });
    expect(next.getSnapshot().queue.pending).toBe(0);
    next.mount();
    await settle(0);
    expect(next.getSnapshot().queue.pending).toBe(1);
    await settle(100);
    expect(received.map((r) => (r.event.body as { event: string }).event)).toEqual(["kept"]);
    next.close();
  });
});

describe("flush", () => {
  it("resolves once everything queued before it is delivered, waiting through retries", async () => {
    let calls = 0;
    server.use(
      http.post(`${EVENTS}/e`, () =>
        ++calls < 3 ? new HttpResponse(null, { status: 500 }) : HttpResponse.json({}),
      ),
    );
    const schematic = createClient();
    void schematic.track({ event: "a" });
    let done = false;
    const flushed = schematic.flush().then(() => {
      done = true;
    });
    await settle(0);
    expect(done).toBe(false);
    await settle(10_000);
    await flushed;
    expect(done).toBe(true);
    expect(calls).toBe(3);
    schematic.close();
  });

  it("gives up waiting after its timeout", async () => {
    failing(500);
    const schematic = createClient();
    void schematic.track({ event: "a" });
    let done = false;
    void schematic.flush(2_000).then(() => {
      done = true;
    });
    await settle(1_900);
    expect(done).toBe(false);
    await settle(200);
    expect(done).toBe(true);
    schematic.close();
  });

  it("close() settles pending promises as persisted and sends nothing more", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.9);
    const attempts = failing(500);
    const schematic = createClient();
    const result = schematic.track({ event: "a" });
    await settle(200);
    schematic.close();
    await expect(result).resolves.toEqual({ status: "persisted" });
    await settle(60_000);
    expect(attempts).toHaveLength(1);
    await expect(schematic.track({ event: "late" })).resolves.toMatchObject({
      status: "dropped",
      reason: "closed",
    });
    await expect(schematic.flush()).resolves.toBeUndefined();
  });
});
