/**
 * Bursts: several batches in flight, identify as a barrier, the buffer
 * bounded by bytes, and a producer that waits instead of losing events.
 */
import { HttpResponse } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { batchRecorder, client, server, silentLogger } from "./helpers";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

/** A batch endpoint whose answers wait until `release()`. */
function heldBatches() {
  const gates: (() => void)[] = [];
  const batches = batchRecorder(
    () =>
      new Promise<Response>((resolve) => {
        gates.push(() => resolve(HttpResponse.json({})));
      }),
  );
  return {
    batches,
    release: () => {
      for (const open of gates.splice(0)) open();
    },
  };
}

describe("several batches in flight", () => {
  it("sends up to four full batches at once while earlier ones are unanswered", async () => {
    const { batches, release } = heldBatches();
    const schematic = client({ maxBatchSize: 10 });
    for (let i = 0; i < 60; i++) schematic.track({ event: "e", quantity: i });
    await vi.waitFor(() => expect(batches).toHaveLength(4));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(batches).toHaveLength(4);
    const flushed = schematic.flush();
    while (batches.length < 6) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    release();
    await flushed;
    expect(
      batches.flatMap((b) => b.events.map((e) => e.body.quantity)).sort((a, b) => Number(a) - Number(b)),
    ).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(schematic.stats).toMatchObject({ delivered: 60, dropped: 0, pending: 0 });
  });

  it("an identify is acknowledged before any event buffered after it is sent", async () => {
    const { batches, release } = heldBatches();
    const schematic = client({ maxBatchSize: 2 });
    schematic.identify({ keys: { id: "u" }, company: { keys: { id: "c" } } });
    schematic.track({ event: "first", company: { id: "c" } });
    for (let i = 0; i < 6; i++) schematic.track({ event: "later", company: { id: "c" } });
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing after the identify's batch went out while it is unanswered.
    expect(batches).toHaveLength(1);
    expect(batches[0]!.events.map((e) => e.type)).toEqual(["identify", "track"]);
    release();
    // Then the rest, several at once.
    await vi.waitFor(() => expect(batches).toHaveLength(4));
    release();
    await schematic.flush();
  });
});

describe("a buffer bounded by bytes", () => {
  const event = (i: number) => ({
    event: "e",
    company: { id: `company-${i}` },
    traits: { note: "x".repeat(200) },
  });

  it("drops the oldest unsent events past maxQueueBytes, counting and logging them", async () => {
    const logger = { ...silentLogger(), warn: vi.fn() };
    const batches = batchRecorder();
    const schematic = client({ maxQueueBytes: 65_536, logger });
    for (let i = 0; i < 1000; i++) schematic.track(event(i));
    const { droppedBy, pendingBytes, pending } = schematic.stats;
    expect(droppedBy.overflow).toBeGreaterThan(600);
    expect(pendingBytes).toBeLessThanOrEqual(65_536);
    expect(pending + droppedBy.overflow).toBe(1000);
    expect(logger.warn.mock.calls[0]!.join(" ")).toMatch(/maxQueueBytes 65536.*drained\(\)/);
    await schematic.flush();
    const sent = batches.flatMap((b) => b.events.map((e) => (e.body.company as { id: string }).id));
    // What was kept is the newest, in order.
    expect(sent.at(-1)).toBe("company-999");
    expect(sent).toHaveLength(1000 - droppedBy.overflow);
  });

  it("track answers false above the high-water mark; a producer that awaits drained() loses nothing", async () => {
    const batches = batchRecorder();
    const schematic = client({ maxQueueBytes: 65_536, maxBatchSize: 20 });
    let waits = 0;
    for (let i = 0; i < 1000; i++) {
      if (!schematic.track(event(i))) {
        waits += 1;
        await schematic.drained();
      }
    }
    await schematic.flush();
    expect(waits).toBeGreaterThan(0);
    expect(schematic.stats).toMatchObject({ delivered: 1000, dropped: 0 });
    expect(batches.flatMap((b) => b.events)).toHaveLength(1000);
  });
});
