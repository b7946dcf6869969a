import { webStorage } from "@schematic-sdk/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { memoryStorage, Schematic } from "../src/index";
import {
  captureEvents,
  countingStorage,
  createClient,
  fakeLifecycle,
  KEY,
  settle,
  useServer,
} from "./helpers";

useServer();

afterEach(() => {
  window.localStorage.clear();
});

describe("first use", () => {
  it("constructing reads the stored session only; reads start nothing; mount or first use starts the rest", async () => {
    const storage = countingStorage();
    const get = vi.spyOn(storage, "get");
    const lifecycle = fakeLifecycle() as ReturnType<typeof fakeLifecycle> & { listeners: number };
    const subscribe = vi.spyOn(lifecycle, "subscribe");
    const schematic = new Schematic(KEY, { storage, lifecycle });
    new Schematic(KEY).getServerSnapshot();
    schematic.getServerSnapshot();
    const unsubscribe = schematic.subscribe(() => {});
    schematic.getSnapshot();
    schematic.getContext();
    schematic.getFlag("f");
    expect(vi.getTimerCount()).toBe(0);
    expect(get.mock.calls).toEqual([["schematic:23456789:s"]]);
    expect(storage.writes).toBe(0);
    expect(subscribe).not.toHaveBeenCalled();
    schematic.mount();
    expect(subscribe).toHaveBeenCalledOnce();
    schematic.mount();
    schematic.unmount();
    expect(lifecycle.listeners).toBe(1);
    schematic.unmount();
    expect(lifecycle.listeners).toBe(0);
    void schematic.track({ event: "after" });
    expect(lifecycle.listeners).toBe(1);
    unsubscribe();
    schematic.close();
    expect(lifecycle.listeners).toBe(0);
  });

  it("uses localStorage by default", async () => {
    captureEvents();
    const schematic = new Schematic(KEY);
    await Promise.all([schematic.identify({ keys: { id: "u_1" } }), settle(200)]);
    const keys = Object.keys(window.localStorage).filter((k) => k.startsWith("schematic:"));
    expect(keys.length).toBeGreaterThan(0);
    schematic.close();
  });
});

describe("when storage fails", () => {
  it("keeps working in memory when localStorage throws on every call", async () => {
    const received = captureEvents();
    const fail = () => {
      throw new DOMException("QuotaExceededError");
    };
    vi.spyOn(Storage.prototype, "getItem").mockImplementation(fail);
    vi.spyOn(Storage.prototype, "setItem").mockImplementation(fail);
    vi.spyOn(Storage.prototype, "removeItem").mockImplementation(fail);
    const schematic = new Schematic(KEY);
    const result = schematic.identify({ keys: { id: "u_1" } });
    expect(schematic.getContext()).toEqual({ user: { id: "u_1" } });
    await expect(schematic.identify({ keys: { id: "u_1" } })).resolves.toEqual({ status: "deduplicated" });
    void schematic.track({ event: "query" });
    await settle(500);
    await expect(result).resolves.toEqual({ status: "delivered" });
    expect(received.map((r) => r.event.type)).toEqual(["identify", "track"]);
    schematic.close();
  });

  it("keeps working when the storage getter itself throws (sandboxed frame)", async () => {
    const received = captureEvents();
    const storage = webStorage(() => {
      throw new DOMException("SecurityError");
    });
    const schematic = createClient({ storage });
    await Promise.all([schematic.track({ event: "query" }), settle(200)]);
    expect(received).toHaveLength(1);
    schematic.close();
  });
});

describe("persistence", () => {
  it("coalesces writes: a burst of 10,000 calls is at most one write per timer tick, a handful in all", async () => {
    const storage = countingStorage();
    const lifecycle = fakeLifecycle();
    lifecycle.isOnline = false;
    const schematic = createClient({ storage, lifecycle, maxQueueSize: 20_000 });
    for (let i = 0; i < 5_000; i++) {
      void schematic.identify({ keys: { id: `u_${i % 7}` }, company: { keys: { id: "c_1" } } });
      void schematic.track({ event: "query", quantity: i });
    }
    expect(storage.writes).toBe(0);
    // Until the first heartbeat (10 s): the stored state (context, anonymous id…), the tab index and the queue.
    const start = Date.now();
    for (let before = 0; Date.now() - start < 5_000; before = storage.writes) {
      await vi.advanceTimersToNextTimerAsync();
      expect(storage.writes - before).toBeLessThanOrEqual(1);
    }
    expect(storage.writes).toBe(3);
    expect(schematic.getSnapshot().queue.pending).toBe(10_000);
    schematic.close();
  });

  it("restores the context, the anonymous id and the queue on the next load; reset() makes a new anonymous id", async () => {
    const storage = memoryStorage();
    const lifecycle = fakeLifecycle();
    lifecycle.isOnline = false;
    const first = createClient({ storage, lifecycle });
    void first.identify({ keys: { id: "u_1" }, company: { keys: { id: "c_1" } } });
    void first.track({ event: "query" });
    lifecycle.emit("pagehide");
    first.close();

    const received = captureEvents();
    const second = createClient({ storage });
    expect(second.getContext()).toEqual({ user: { id: "u_1" }, company: { id: "c_1" } });
    await Promise.all([second.track({ event: "after reload" }), settle(1000)]);
    expect(received.map((r) => r.event.type)).toEqual(["identify", "track", "track"]);
    expect(new Set(received.map((r) => r.event.tracker_user_id)).size).toBe(1);
    const anonymous = received[0]!.event.tracker_user_id;

    second.reset();
    second.close();
    const third = createClient({ storage });
    expect(third.getContext()).toEqual({});
    await Promise.all([third.track({ event: "after reset" }), settle(200)]);
    expect(received[3]!.event.tracker_user_id).not.toBe(anonymous);
    third.close();
  });

  it("reads what an earlier version stored (context, last identify, anonymous id; its queue items too)", async () => {
    const storage = memoryStorage();
    const identify = { keys: { id: "u_1" }, company: { keys: { id: "c_1" } } };
    storage.set(
      "schematic:23456789:s",
      JSON.stringify({
        c: { user: { id: "u_1" }, company: { id: "c_1" } },
        l: identify,
        u: "anon-from-v0",
        f: { x: true },
      }),
    );
    const old = {
      e: {
        api_key: KEY,
        type: "track",
        body: { event: "from-v0", traits: {}, quantity: 1, company: { id: "c_1" } },
        sent_at: new Date().toISOString(),
        tracker_event_id: "00000000-0000-4000-8000-000000000001",
        tracker_user_id: "anon-from-v0",
      },
      a: 2,
    };
    storage.set("schematic:23456789:t", JSON.stringify({ previous: 0 }));
    storage.set("schematic:23456789:qprevious", JSON.stringify([old]));
    const received = captureEvents();
    const schematic = createClient({ storage });
    expect(schematic.getContext()).toEqual({ user: { id: "u_1" }, company: { id: "c_1" } });
    await expect(schematic.identify(identify)).resolves.toEqual({ status: "deduplicated" });
    await Promise.all([schematic.track({ event: "new" }), settle(1000)]);
    expect(received.map((r) => (r.event.body as { event: string }).event)).toEqual(["from-v0", "new"]);
    expect(received.map((r) => r.event.tracker_user_id)).toEqual(["anon-from-v0", "anon-from-v0"]);
    schematic.close();
  });

  it("leaves out what is stored in a shape it does not know: never sent, never thrown", async () => {
    const storage = memoryStorage();
    storage.set(
      "schematic:23456789:s",
      JSON.stringify({ context: { user: 42 }, anonymousId: 7, checks: { f: "x" } }),
    );
    storage.set("schematic:23456789:t", JSON.stringify({ junk: 0 }));
    storage.set("schematic:23456789:qjunk", JSON.stringify([null, 3, { e: "x" }, { event: { body: 1 } }]));
    const received = captureEvents();
    const lines: string[] = [];
    const schematic = createClient({ storage, debug: (...args) => lines.push(args.join(" ")) });
    expect(schematic.getContext()).toEqual({});
    expect(schematic.getSnapshot().checks).toEqual({});
    await Promise.all([schematic.track({ event: "ok" }), settle(1000)]);
    expect(received.map((r) => (r.event.body as { event: string }).event)).toEqual(["ok"]);
    expect(received[0]!.event.tracker_user_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(storage.get("schematic:23456789:qjunk")).toBeNull();
    expect(lines).toEqual(
      expect.arrayContaining([
        "discarded a stored anonymous id that is not a string",
        expect.stringMatching(
          /^discarded a stored value of an unknown shape: .*user: must be a plain object/,
        ),
        "discarded 4 stored events of an unknown shape",
      ]),
    );
    schematic.close();
  });

  it("keeps two publishable keys on one origin apart", async () => {
    const storage = memoryStorage();
    const a = new Schematic("api_aaaaaaaaaaaa", { storage, locks: null });
    a.setContext({ user: { id: "a" } });
    a.close();
    const b = new Schematic("api_bbbbbbbbbbbb", { storage, locks: null });
    expect(b.getContext()).toEqual({});
    b.close();
  });
});

describe("a storage that throws", () => {
  it("a user adapter whose set throws mid-run (a full quota): the client moves to memory, keeps delivering, close() does not throw", async () => {
    const base = memoryStorage();
    let full = false;
    const storage = {
      get: (key: string) => base.get(key),
      set(key: string, value: string) {
        if (full) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        base.set(key, value);
      },
      remove: (key: string) => base.remove(key),
    };
    const received = captureEvents();
    const schematic = createClient({ storage });
    void schematic.identify({ keys: { id: "u_1" } });
    await settle(200);
    full = true;
    const results = [schematic.track({ event: "a" }), schematic.track({ event: "b" })];
    schematic.setContext({ user: { id: "u_2" } });
    await settle(1000);
    await expect(Promise.all(results)).resolves.toEqual([{ status: "delivered" }, { status: "delivered" }]);
    expect(received.map((r) => r.event.type)).toEqual(["identify", "track", "track"]);
    expect(schematic.getContext()).toEqual({ user: { id: "u_2" } });
    expect(() => schematic.close()).not.toThrow();
  });
});
