/**
 * The client against the emulator over real HTTP on 127.0.0.1.
 */
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SchematicClient } from "../src/index";
import { silentLogger } from "./helpers";

let emulator: RunningEmulator;
const clients: SchematicClient[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: "127.0.0.1" });
});
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(clients.splice(0).map((c) => c.close()));
  emulator.emulator.setFaults({ failRate: 0, latency: 0, rateLimit: undefined });
  emulator.emulator.reset();
});
afterAll(async () => {
  await emulator?.close();
});

const connect = (options: Partial<ConstructorParameters<typeof SchematicClient>[0]> = {}) => {
  const client = new SchematicClient({
    apiKey: "sch_dev_integration",
    apiUrl: emulator.url,
    eventUrl: emulator.url,
    logger: silentLogger(),
    ...options,
  });
  clients.push(client);
  return client;
};

describe("upserts against the emulator", () => {
  it("creates, then updates with merged traits and added keys", async () => {
    const schematic = connect();
    const created = await schematic.upsertCompany({
      keys: { id: "acme" },
      name: "Acme",
      traits: { seats: 5 },
    });
    expect(created.id).toMatch(/^comp_/);
    expect(created.keys).toEqual({ id: "acme" });
    expect(created.createdAt).toBeInstanceOf(Date);

    const updated = await schematic.upsertCompany({
      keys: { id: "acme", stripeCustomerId: "cus_1" },
      name: "Acme Inc",
      traits: { plan: "pro" },
    });
    expect(updated.id).toBe(created.id);
    expect(updated.name).toBe("Acme Inc");
    expect(updated.keys).toEqual({ id: "acme", stripeCustomerId: "cus_1" });
    expect(updated.traits).toEqual({ seats: 5, plan: "pro" });
  });

  it("a user with a company creates the membership (and the company)", async () => {
    const schematic = connect();
    const user = await schematic.upsertUser({ keys: { id: "ann" }, name: "Ann", company: { id: "newco" } });
    const company = emulator.emulator.store.findCompany({ id: "newco" });
    expect(company).toBeDefined();
    expect(user.companyIds).toEqual([company!.id]);
    const again = await schematic.upsertCompany({ keys: { id: "newco" } });
    expect(again.userCount).toBe(1);
  });

  it("throws SchematicApiError with the emulator's message when the key is refused", async () => {
    const schematic = connect({ apiKey: "key_of_another_kind" });
    const error = await schematic.upsertCompany({ keys: { id: "ok" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "SchematicApiError", status: 401 });
    expect((error as Error).message).toMatch(/401: .+/);
    expect(emulator.emulator.store.findCompany({ id: "ok" })).toBeUndefined();
  });
});

describe("events against the emulator", () => {
  it("identify and track via /batch show up, the identify upserting like the REST calls", async () => {
    const schematic = connect({ flushInterval: 50 });
    schematic.identify({
      keys: { id: "bob" },
      name: "Bob",
      company: { keys: { id: "bobco" }, name: "Bob Co" },
    });
    schematic.track({ event: "query", company: { id: "bobco" }, user: { id: "bob" }, quantity: 2 });
    await schematic.flush();
    expect(emulator.emulator.store.findCompany({ id: "bobco" })?.name).toBe("Bob Co");
    expect(emulator.emulator.store.findUser({ id: "bob" })?.company_memberships).toHaveLength(1);
    const tracks = emulator.emulator.store.events({ type: "track" });
    expect(tracks).toHaveLength(1);
  });

  it("with 30 % of requests failing, 2,000 tracks arrive exactly once", async () => {
    emulator.emulator.setFaults({ failRate: 0.3 });
    // Backoff jitter pinned to 5 % of its range keeps the run short; the policy itself is unit-tested.
    // (The emulator drew its own Math.random at start, so its faults stay random.)
    vi.spyOn(Math, "random").mockReturnValue(0.05);
    const schematic = connect({ flushInterval: 20, maxEventAttempts: 30 });
    for (let i = 0; i < 2000; i++)
      schematic.track({ event: "fault-run", quantity: i, idempotencyKey: `run-${i}` });
    await schematic.flush();
    const stats = emulator.emulator.store.stats();
    const quantities = emulator.emulator.store
      .events({ type: "track" })
      .map((e) => e.body.quantity as number)
      .sort((a, b) => a - b);
    expect(quantities).toEqual(Array.from({ length: 2000 }, (_, i) => i));
    const keys = new Set(emulator.emulator.store.events({ type: "track" }).map((e) => e.idempotency_key));
    expect(keys.size).toBe(2000);
    // Injected faults are answered before the store sees the request, so any
    // duplicate the emulator's dedupe caught would be the client's own resend.
    expect(stats.duplicates).toBe(0);
    expect(stats.eventsReceived).toBe(2000);
    expect(schematic.stats).toMatchObject({ delivered: 2000, dropped: 0, pending: 0 });
    expect(stats.faults.failed).toBeGreaterThan(0);
  }, 60_000);
});
