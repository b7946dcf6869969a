import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { type FetchFunction, type LockManagerLike, memoryStorage, type Storage } from "../src/index";
import { createClient, EVENTS, fakeLifecycle, fakeLocks, server, settle, useServer } from "./helpers";

useServer();

/** Which tab sent which event: each client gets its own tagged fetch. */
function senders() {
  const sent: { tab: string; id: string; ok: boolean }[] = [];
  let up = true;
  server.use(
    http.post(`${EVENTS}/e`, () => (up ? HttpResponse.json({}) : new HttpResponse(null, { status: 503 }))),
  );
  const fetchFor =
    (tab: string): FetchFunction =>
    async (url, init) => {
      const response = await fetch(url, init);
      const { tracker_event_id } = JSON.parse(String(init.body)) as { tracker_event_id: string };
      sent.push({ tab, id: tracker_event_id, ok: response.ok });
      return response;
    };
  return {
    sent,
    fetchFor,
    set up(value: boolean) {
      up = value;
    },
    /** Ids sent by more than one tab. */
    shared() {
      const by = new Map<string, Set<string>>();
      for (const { tab, id } of sent) by.set(id, (by.get(id) ?? new Set()).add(tab));
      return [...by].filter(([, tabs]) => tabs.size > 1).map(([id]) => id);
    },
    delivered() {
      return sent.filter((s) => s.ok).map((s) => s.id);
    },
  };
}

const modes: [string, () => LockManagerLike | null][] = [
  ["Web Locks", fakeLocks],
  ["the storage lease", () => null],
];

const PREFIX = "schematic:23456789:";

/** A track event as a closed tab left it in its stored queue. */
function leftover(n: number, attempts = 0) {
  return {
    e: {
      api_key: "api_test_0123456789",
      type: "track",
      body: { event: `left-${n}`, traits: {}, quantity: 1 },
      sent_at: new Date(Date.now() - 1000 + n).toISOString(),
      tracker_event_id: `00000000-0000-4000-8000-00000000000${n}`,
    },
    a: attempts,
  };
}

/** Stores tab `id`'s queue and its entry in the tab index (its last heartbeat). */
function leaveTab(storage: Storage, id: string, heartbeat: number, entries: ReturnType<typeof leftover>[]) {
  storage.set(`${PREFIX}t`, JSON.stringify({ [id]: heartbeat }));
  storage.set(`${PREFIX}q${id}`, JSON.stringify(entries));
}

describe.each(modes)("two tabs on one storage, with %s", (_, makeLocks) => {
  // Two live pages: each started (mounted), as a page's provider or first call does.
  const tabs = (storage: Storage, locks: LockManagerLike | null, net: ReturnType<typeof senders>) =>
    ["a", "b"].map((tab) => {
      const client = createClient({ storage, locks, maxAttempts: 100, fetch: net.fetchFor(tab) });
      client.mount();
      return client;
    });

  it("each live tab sends its own events promptly; none is sent by both", async () => {
    const net = senders();
    const [a, b] = tabs(memoryStorage(), makeLocks(), net);
    const calls = [];
    for (let i = 0; i < 5; i++) calls.push(a!.track({ event: `a${i}` }), b!.track({ event: `b${i}` }));
    await settle(1_000);
    expect((await Promise.all(calls)).every((r) => r.status === "delivered")).toBe(true);
    expect(net.sent.filter((s) => s.tab === "a")).toHaveLength(5);
    expect(net.sent.filter((s) => s.tab === "b")).toHaveLength(5);
    a!.close();
    b!.close();
  });

  it("never adopts a live tab's queue, even while it retries for minutes", async () => {
    const net = senders();
    net.up = false;
    const [a, b] = tabs(memoryStorage(), makeLocks(), net);
    for (let i = 0; i < 3; i++) void a!.track({ event: `a${i}` });
    void b!.track({ event: "b" });
    await settle(10 * 60_000);
    expect(net.sent.some((s) => s.tab === "a")).toBe(true);
    expect(net.shared()).toEqual([]);
    expect(b!.getSnapshot().queue.pending).toBe(1);
    net.up = true;
    await settle(60_000);
    expect(net.shared()).toEqual([]);
    expect(new Set(net.delivered()).size).toBe(4);
    a!.close();
    b!.close();
  });

  it("a closed tab's leftovers are adopted and delivered by the other, exactly once", async () => {
    const net = senders();
    net.up = false;
    const [a, b] = tabs(memoryStorage(), makeLocks(), net);
    const left = [a!.identify({ keys: { id: "u" } }), a!.track({ event: "a1" }), a!.track({ event: "a2" })];
    await settle(500);
    a!.close();
    await expect(Promise.all(left)).resolves.toEqual(Array(3).fill({ status: "persisted" }));
    net.up = true;
    expect(b!.getSnapshot().queue.pending).toBe(0);
    await settle(10_000);
    expect(b!.getSnapshot().queue.pending).toBe(0);
    const delivered = net.sent.filter((s) => s.ok);
    expect(delivered.map((s) => s.tab)).toEqual(["b", "b", "b"]);
    expect(new Set(delivered.map((s) => s.id)).size).toBe(3);
    expect(b!.getSnapshot().queue.delivered).toBe(3);
    b!.close();
  });

  it("a reopened page adopts what the closed one left, oldest first", async () => {
    const net = senders();
    net.up = false;
    const storage = memoryStorage();
    const locks = makeLocks();
    const lifecycle = fakeLifecycle();
    const first = createClient({ storage, locks, lifecycle, fetch: net.fetchFor("first") });
    void first.identify({ keys: { id: "u" } });
    void first.track({ event: "before" });
    await settle(300);
    lifecycle.emit("pagehide");
    first.close();
    net.up = true;
    await settle(1_000);
    const second = createClient({ storage, locks, fetch: net.fetchFor("second") });
    void second.track({ event: "after" });
    await settle(1_000);
    const bodies = net.sent.filter((s) => s.ok);
    expect(bodies.map((s) => s.tab)).toEqual(["second", "second", "second"]);
    expect(new Set(bodies.map((s) => s.id)).size).toBe(3);
    second.close();
  });
});

describe("tab coordination details", () => {
  it("with the storage lease, a tab that vanished without closing is adopted once its lease runs out", async () => {
    const net = senders();
    const storage = memoryStorage();
    const orphan = leftover(0, 2);
    leaveTab(storage, "crashed", Date.now(), [orphan]);
    const b = createClient({ storage, fetch: net.fetchFor("b") });
    b.mount(); // a live page: its provider (or first call) started it
    await settle(60_000);
    expect(net.sent).toEqual([]);
    await settle(150_000);
    expect(net.sent).toEqual([{ tab: "b", id: orphan.e.tracker_event_id, ok: true }]);
    expect(storage.get(`${PREFIX}qcrashed`)).toBeNull();
    expect(Object.keys(JSON.parse(storage.get(`${PREFIX}t`)!))).not.toContain("crashed");
    b.close();
  });

  it("with Web Locks, a crashed tab (its lock gone) is adopted at once, whatever its heartbeat says", async () => {
    const net = senders();
    const storage = memoryStorage();
    const orphan = leftover(1);
    leaveTab(storage, "crashed", Date.now(), [orphan]);
    const b = createClient({ storage, locks: fakeLocks(), fetch: net.fetchFor("b") });
    b.mount(); // a live page: its provider (or first call) started it
    await settle(500);
    expect(net.sent).toEqual([{ tab: "b", id: orphan.e.tracker_event_id, ok: true }]);
    b.close();
  });

  /** Web Locks that answer a few milliseconds late, as a busy browser may. */
  const slowLocks = (): LockManagerLike => {
    const locks = fakeLocks();
    return {
      request: (name, options, callback) =>
        new Promise((resolve) => setTimeout(resolve, 5)).then(() => locks.request(name, options, callback)),
    };
  };

  it.each([["slow Web Locks", slowLocks] as const, ...modes])(
    "after a reload (%s), the previous page's leftovers go before the new page's first event",
    async (_, makeLocks) => {
      const net = senders();
      const storage = memoryStorage();
      // The previous page closed (its lease zeroed, its lock released) with two events still queued.
      leaveTab(storage, "previous", 0, [leftover(1), leftover(2)]);
      const page = createClient({
        storage,
        locks: makeLocks(),
        flushInterval: 0,
        fetch: net.fetchFor("page"),
      });
      const own = page.track({ event: "new" });
      await settle(1_000);
      await expect(own).resolves.toEqual({ status: "delivered" });
      expect(net.sent.map((s) => s.id)).toEqual([
        leftover(1).e.tracker_event_id,
        leftover(2).e.tracker_event_id,
        expect.any(String),
      ]);
      page.close();
    },
  );

  it("a page restored from the back/forward cache does not resend what another tab adopted", async () => {
    const net = senders();
    net.up = false;
    const storage = memoryStorage();
    const lifecycle = fakeLifecycle();
    const a = createClient({ storage, lifecycle, fetch: net.fetchFor("a") });
    const b = createClient({ storage, fetch: net.fetchFor("b") });
    const result = a.track({ event: "x" });
    b.mount(); // a live page: its provider (or first call) started it
    await settle(300);
    lifecycle.emit("pagehide");
    net.up = true;
    await settle(10_000);
    expect(net.sent.at(-1)).toMatchObject({ tab: "b", ok: true });
    const sentByA = net.sent.filter((s) => s.tab === "a").length;
    // A flush pending across the restore ends with it: the events are the other tab's now.
    let flushed = false;
    void a.flush().then(() => {
      flushed = true;
    });
    await settle(0);
    expect(flushed).toBe(false);
    lifecycle.emit("pageshow");
    await expect(result).resolves.toEqual({ status: "persisted" });
    await settle(0);
    expect(flushed).toBe(true);
    await settle(60_000);
    expect(net.sent.filter((s) => s.tab === "a")).toHaveLength(sentByA);
    expect(net.delivered()).toHaveLength(1);
    expect(a.getSnapshot().queue.pending).toBe(0);
    a.close();
    b.close();
  });
});
