import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { memoryStorage, Schematic } from "../src/index";
import { API, captureEvents, createClient, KEY, server, settle, useServer } from "./helpers";

useServer();

interface Asked {
  flag: string;
  body: unknown;
  key: string | null;
}

/** A flag API: `values` answers, `asked` records each request. */
function flagApi(values: Record<string, boolean>, options: { delay?: number; status?: number } = {}) {
  const asked: Asked[] = [];
  const answer = async () => {
    if (options.delay) await new Promise((resolve) => setTimeout(resolve, options.delay));
  };
  server.use(
    http.post(`${API}/flags/check`, async ({ request }) => {
      asked.push({ flag: "*", body: await request.json(), key: request.headers.get("x-schematic-api-key") });
      await answer();
      if (options.status) return new HttpResponse(null, { status: options.status });
      const flags = Object.entries(values).map(([flag, value]) => ({ flag, value, reason: "test" }));
      return HttpResponse.json({ data: { flags }, params: {} });
    }),
    http.post(`${API}/flags/:key/check`, async ({ request, params }) => {
      const flag = decodeURIComponent(String(params.key));
      asked.push({ flag, body: await request.json(), key: request.headers.get("x-schematic-api-key") });
      await answer();
      if (options.status) return new HttpResponse(null, { status: options.status });
      return HttpResponse.json({ data: { flag, value: values[flag] ?? false, reason: "test" }, params: {} });
    }),
  );
  return asked;
}

describe("checkFlag", () => {
  it("asks the API once with the context and the key, then answers from the cache", async () => {
    const asked = flagApi({ "my-flag": true });
    const schematic = createClient();
    schematic.setContext({ company: { id: "c_1" } });
    expect(schematic.getFlag("my-flag")).toBeUndefined();
    await expect(schematic.checkFlag("my-flag", { fallback: false })).resolves.toBe(true);
    await expect(schematic.checkFlag("my-flag", { fallback: false })).resolves.toBe(true);
    expect(schematic.getFlag("my-flag")).toBe(true);
    expect(asked).toEqual([{ flag: "my-flag", body: { company: { id: "c_1" } }, key: KEY }]);
    expect(schematic.getSnapshot()).toMatchObject({ flags: { "my-flag": true }, isReady: true });
    schematic.close();
  });

  it("asks again once an answer is older than flagCacheTtl; getFlag keeps the last answer meanwhile", async () => {
    const values: Record<string, boolean> = { f: false };
    const asked = flagApi(values);
    const schematic = createClient({ flagCacheTtl: 10_000 });
    const seen: unknown[] = [];
    schematic.subscribe(() => seen.push(schematic.getSnapshot().flags));
    await expect(schematic.checkFlag("f")).resolves.toBe(false);
    await settle(9_999);
    await expect(schematic.checkFlag("f")).resolves.toBe(false);
    expect(asked).toHaveLength(1);
    values.f = true;
    await settle(1);
    const refreshed = schematic.checkFlag("f");
    expect(schematic.getFlag("f")).toBe(false);
    await expect(refreshed).resolves.toBe(true);
    expect(asked).toHaveLength(2);
    expect(schematic.getFlag("f")).toBe(true);
    await settle(0);
    expect(seen.at(-1)).toEqual({ f: true });
    schematic.close();
  });

  it("when asking again fails, answers the value last known for the context, not the fallback", async () => {
    flagApi({ f: true });
    const schematic = createClient({ flagCacheTtl: 1_000 });
    await expect(schematic.checkFlag("f", { fallback: false })).resolves.toBe(true);
    await settle(1_000);
    const asked = flagApi({}, { status: 503 });
    await expect(schematic.checkFlag("f", { fallback: false })).resolves.toBe(true);
    expect(asked).toHaveLength(1);
    await expect(schematic.checkFlag("other", { fallback: true })).resolves.toBe(true);
    schematic.close();
  });

  it("a value restored from storage is shown at once and asked again on checkFlag", async () => {
    flagApi({ f: true });
    const storage = memoryStorage();
    const first = createClient({ storage });
    await first.checkFlag("f");
    first.close();
    const asked = flagApi({ f: false });
    const second = createClient({ storage });
    expect(second.getFlag("f")).toBe(true);
    await expect(second.checkFlag("f")).resolves.toBe(false);
    expect(asked).toHaveLength(1);
    second.close();
  });

  it("joins an identical request in flight, and a bulk check in flight", async () => {
    const asked = flagApi({ a: true, b: false }, { delay: 50 });
    const schematic = createClient();
    const answers = Promise.all([
      schematic.checkFlag("a"),
      schematic.checkFlag("a"),
      schematic.checkFlag("a"),
    ]);
    await settle(100);
    await expect(answers).resolves.toEqual([true, true, true]);
    schematic.setContext({ user: { id: "u_2" } });
    const bulk = schematic.checkFlags();
    const single = schematic.checkFlag("b", { fallback: true });
    await settle(100);
    await expect(bulk).resolves.toEqual({ a: true, b: false });
    await expect(single).resolves.toBe(false);
    expect(asked.map((a) => a.flag)).toEqual(["a", "*"]);
    schematic.close();
  });

  it("forgets flags when the context changes, and ignores answers for an old context", async () => {
    const asked = flagApi({ f: true }, { delay: 50 });
    const schematic = createClient();
    void schematic.identify({ keys: { id: "u_1" } }).catch(() => {});
    captureEvents();
    const old = schematic.checkFlag("f");
    schematic.setContext({ user: { id: "u_2" } });
    await settle(100);
    await expect(old).resolves.toBe(true);
    expect(schematic.getFlag("f")).toBeUndefined();
    const fresh = schematic.checkFlag("f");
    await settle(100);
    await expect(fresh).resolves.toBe(true);
    expect(asked.map((a) => a.body)).toEqual([{ user: { id: "u_1" } }, { user: { id: "u_2" } }]);
    expect(schematic.getFlag("f")).toBe(true);
    schematic.close();
  });

  it.each([
    ["a 500", () => new HttpResponse(null, { status: 500 })],
    ["a network error", () => HttpResponse.error()],
    ["a body that is not JSON", () => new HttpResponse("<html>", { status: 200 })],
    ["a body without data", () => HttpResponse.json({})],
  ])("answers the fallback on %s, caches nothing, and is ready", async (_, reply) => {
    server.use(http.post(`${API}/flags/:key/check`, reply), http.post(`${API}/flags/check`, reply));
    const schematic = createClient();
    await expect(schematic.checkFlag("f", { fallback: true })).resolves.toBe(true);
    await expect(schematic.checkFlag("f")).resolves.toBe(false);
    await expect(schematic.checkFlags()).resolves.toEqual({});
    expect(schematic.getFlag("f")).toBeUndefined();
    expect(schematic.getSnapshot().isReady).toBe(true);
    schematic.close();
  });

  it("URL-encodes the flag key", async () => {
    const asked = flagApi({ "a/b c": true });
    const schematic = createClient();
    await expect(schematic.checkFlag("a/b c")).resolves.toBe(true);
    expect(asked[0]!.flag).toBe("a/b c");
    schematic.close();
  });

  it("queues a flag_check event per answer with trackFlagChecks", async () => {
    flagApi({ f: true });
    const received = captureEvents();
    const schematic = createClient({ trackFlagChecks: true });
    schematic.setContext({ company: { id: "c_1" }, user: { id: "u_1" } });
    await schematic.checkFlag("f");
    await schematic.checkFlag("f");
    await settle(200);
    expect(received.map((r) => r.event.type)).toEqual(["flag_check"]);
    expect(received[0]!.event.body).toEqual({
      flag: "f",
      value: true,
      company: { id: "c_1" },
      user: { id: "u_1" },
    });
    schematic.close();
  });
});

describe("the external store", () => {
  it("hands out the same snapshot until something in it changes, and tells listeners only of real changes", async () => {
    flagApi({ a: true, b: true });
    const schematic = createClient();
    const first = schematic.getSnapshot();
    expect(schematic.getSnapshot()).toBe(first);
    let calls = 0;
    const unsubscribe = schematic.subscribe(() => calls++);
    await schematic.checkFlag("a");
    await settle(0);
    expect(calls).toBe(1);
    const second = schematic.getSnapshot();
    expect(second).not.toBe(first);
    expect(second.flags).toEqual({ a: true });
    await schematic.checkFlags();
    await settle(0);
    expect(calls).toBe(2);
    const third = schematic.getSnapshot();
    await schematic.checkFlags(); // same values again
    schematic.setContext({}); // same context again
    await settle(0);
    expect(calls).toBe(2);
    expect(schematic.getSnapshot()).toBe(third);
    expect(Object.isFrozen(third)).toBe(true);
    expect(Object.isFrozen(third.flags)).toBe(true);
    expect(Object.isFrozen(third.queue)).toBe(true);
    unsubscribe();
    schematic.setContext({ user: { id: "u" } });
    await settle(0);
    expect(calls).toBe(2);
    expect(Object.isFrozen(schematic.getSnapshot().context.user)).toBe(true);
    schematic.close();
  });

  it("counts the queue in the snapshot", async () => {
    captureEvents();
    const schematic = createClient();
    void schematic.track({ event: "a" });
    void schematic.track({ event: "b" });
    expect(schematic.getSnapshot().queue).toEqual({ pending: 2, delivered: 0, dropped: 0 });
    await settle(500);
    expect(schematic.getSnapshot().queue).toEqual({ pending: 0, delivered: 2, dropped: 0 });
    schematic.close();
  });

  it("bootstrap values are in the very first snapshot, the server snapshot is stable, and nothing is fetched for them", async () => {
    const asked = flagApi({});
    const bootstrap = { context: { company: { id: "c_1" } }, flags: { "my-flag": true } };
    const storage = memoryStorage();
    storage.set(
      "schematic:23456789:s",
      JSON.stringify({ c: { user: { id: "someone else" } }, f: { x: true } }),
    );
    const schematic = new Schematic(KEY, { storage, locks: null, bootstrap });
    const server = schematic.getServerSnapshot();
    expect(server).toEqual({
      context: { company: { id: "c_1" } },
      flags: { "my-flag": true },
      checks: { "my-flag": { flag: "my-flag", value: true, reason: "bootstrap" } },
      plan: undefined,
      isReady: true,
      queue: { pending: 0, delivered: 0, dropped: 0 },
    });
    expect(schematic.getServerSnapshot()).toBe(server);
    expect(schematic.getSnapshot()).toBe(server);
    expect(schematic.getFlag("my-flag")).toBe(true);
    await expect(schematic.checkFlag("my-flag", { fallback: false })).resolves.toBe(true);
    expect(asked).toEqual([]);
    schematic.close();
  });

  it("without a bootstrap, the server snapshot is empty and not ready", () => {
    const schematic = new Schematic(KEY);
    expect(schematic.getServerSnapshot()).toEqual({
      context: {},
      flags: {},
      checks: {},
      plan: undefined,
      isReady: false,
      queue: { pending: 0, delivered: 0, dropped: 0 },
    });
    schematic.close();
  });

  it("a warm persisted cache makes the first client snapshot ready with the real values", async () => {
    flagApi({ f: true });
    const storage = memoryStorage();
    const first = createClient({ storage });
    first.setContext({ company: { id: "c_1" } });
    await first.checkFlag("f");
    first.close();
    const second = createClient({ storage });
    expect(second.getSnapshot()).toMatchObject({
      context: { company: { id: "c_1" } },
      flags: { f: true },
      isReady: true,
    });
    second.close();
  });
});
