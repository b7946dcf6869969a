/**
 * Hostile inputs against the built clients, end to end with the emulator
 * over real HTTP: junk in storage, a storage adapter that starts throwing, a
 * clock set back during a `Retry-After` pause, and a server whose response
 * never ends. Nothing crashes, stalls or leaks; every event arrives once.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Schematic } from "@schematic-sdk/browser";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import { SchematicClient } from "@schematic-sdk/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MapStorage, sleep } from "./support";

const KEY = "api_hostile_clients";
const PREFIX = `schematic:${KEY.slice(-8)}:`;
let emulator: RunningEmulator;
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: "127.0.0.1" });
  process.on("uncaughtException", onUncaught);
  process.on("unhandledRejection", onUncaught);
});
afterAll(async () => {
  process.off("uncaughtException", onUncaught);
  process.off("unhandledRejection", onUncaught);
  await emulator?.close();
});
afterEach(() => {
  expect(uncaught).toEqual([]);
});

const client = (storage: MapStorage | Record<string, unknown>, extra: object = {}) =>
  new Schematic(KEY, {
    apiUrl: emulator.url,
    eventUrl: emulator.url,
    storage: storage as MapStorage,
    locks: null,
    flushInterval: 1,
    ...extra,
  });

const tracked = (event: string) =>
  emulator.emulator.store
    .events({ type: "track" })
    .filter((e) => (e.body as { event: string }).event === event);

describe("hostile inputs: the browser client", () => {
  it("junk in a stored session and a closed tab's queue is discarded, never sent, never saved again", async () => {
    const storage = new MapStorage();
    storage.set(`${PREFIX}s`, JSON.stringify({ anonymousId: 7, context: { user: 42 }, checks: { f: "x" } }));
    storage.set(`${PREFIX}t`, JSON.stringify({ gone: 0 }));
    storage.set(`${PREFIX}qgone`, JSON.stringify([null, 3, { e: "x" }, { event: { body: 1 } }]));
    const page = client(storage);
    await page.identify({ keys: { id: "junk-user" }, company: { keys: { id: "junk-co" } } });
    await page.track({ event: "after-junk" });
    const [event] = tracked("after-junk");
    expect(event?.tracker_user_id).toMatch(/^[0-9a-f-]{36}$/);
    await page.flush();
    page.close();
    await sleep(20);
    expect(JSON.parse(storage.get(`${PREFIX}s`)!).anonymousId).toBe(event?.tracker_user_id);
    expect(storage.get(`${PREFIX}qgone`)).toBeNull();
  });

  it("a storage adapter whose writes start throwing (a full quota): every event still arrives, close() does not throw", async () => {
    const inner = new MapStorage();
    const storage = {
      get: (key: string) => inner.get(key),
      set: (key: string, value: string) => {
        if (inner.writes >= 3) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
        inner.set(key, value);
      },
      remove: (key: string) => inner.remove(key),
    };
    const page = client(storage);
    page.setContext({ company: { id: "quota-co" } });
    const results = await Promise.all(
      Array.from({ length: 22 }, (_, i) => page.track({ event: "quota", traits: { i } })),
    );
    expect(results.every((r) => r.status === "delivered")).toBe(true);
    expect(tracked("quota")).toHaveLength(22);
    expect(() => page.close()).not.toThrow();
  });

  it("a clock set back an hour during a Retry-After pause does not stretch it", async () => {
    let refused = 0;
    const realNow = Date.now;
    const page = client(new MapStorage(), {
      fetch: async (url: string, init: RequestInit) => {
        if (url.endsWith("/e") && refused++ === 0) {
          Date.now = () => realNow() - 3_600_000; // the system clock steps back, mid-pause
          return new Response("{}", { status: 429, headers: { "retry-after": "1" } });
        }
        return fetch(url, init);
      },
    });
    try {
      const started = performance.now();
      const result = await page.track({ event: "clock-back", company: { id: "clock-co" } });
      expect(result).toEqual({ status: "delivered" });
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(tracked("clock-back")).toHaveLength(1);
    } finally {
      Date.now = realNow;
      page.close();
    }
  });
});

describe("hostile inputs: a response that never ends", () => {
  let endless: Server;
  let url: string;
  beforeAll(async () => {
    endless = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, " ");
      const pump = () => {
        while (res.write(chunk)) if (res.destroyed) return;
        res.once("drain", pump);
      };
      res.write('{"data":');
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(endless.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    endless.closeAllConnections();
    await new Promise((resolve) => endless.close(resolve));
  });

  it("the browser client's flag check gives up past the body bound and answers its fallback", async () => {
    const lines: string[] = [];
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
    const page = new Schematic(KEY, {
      apiUrl: url,
      eventUrl: emulator.url,
      storage: new MapStorage(),
      locks: null,
      debug: (...args) => lines.push(args.map(String).join(" ")),
    });
    const before = process.memoryUsage().rss;
    expect(await page.checkFlag("endless", { fallback: true })).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    expect(lines.join("\n")).toMatch(/the response body is over 4194304 bytes/);
    // The host answered: no "cannot reach" hint.
    console.warn = warn;
    expect(warnings).toEqual([]);
    page.close();
  });

  it("the Node client's upsert fails with a SchematicError naming the bound; the process lives on", async () => {
    const server = new SchematicClient({
      apiKey: "sch_dev_hostile",
      apiUrl: url,
      eventUrl: url,
      maxRetries: 0,
    });
    const error = await server.upsertCompany({ keys: { id: "endless" } }).catch((e: unknown) => e);
    expect((error as Error).name).toMatch(/^Schematic(Api|Network)Error$/);
    expect((error as Error).message).toMatch(/4194304|4 MiB/);
    await server.close({ timeout: 1_000 });
  });
});
