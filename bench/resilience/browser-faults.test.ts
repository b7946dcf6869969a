/**
 * The browser client under faults, in Node: real HTTP to the emulator with
 * 30 % of requests failing, latency, a rate limit answering 429 with
 * `Retry-After`, and the emulator killed and restarted mid-run. Each
 * simulated browser has its own persisted storage; each "page load" is a new
 * client over it, closed (not flushed) while events may still be in flight.
 */
import { type DeliveryResult, type DroppedEvent, Schematic } from "@schematic-sdk/browser";
import { afterAll, describe, expect, it } from "vitest";
import {
  type ClientCall,
  deliveryReport,
  type Made,
  MapStorage,
  RestartableEmulator,
  recordingFetch,
  retryAfterViolations,
  seeded,
  serverRetryAfterViolations,
  sleep,
  totalsLine,
} from "./support";

const KEY = "api_resilience_browser";
const BROWSERS = 80;
const PAGES = 5;
const EVENTS_PER_PAGE = 5; // 80 × 5 × 5 = 2,000 events

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

describe("browser client under faults", () => {
  it("delivers 2,000 identify/track events across reloads, faults and an emulator restart: each once, in order", async () => {
    const emulator = await RestartableEmulator.start({ failRate: 0.3, latency: 15, rateLimit: 80 });
    cleanups.push(() => emulator.close());
    const random = seeded(7);
    const made: Made[] = [];
    const results: Record<string, number> = {};
    const dropped: DroppedEvent[] = [];
    const clientCalls: ClientCall[][] = [];
    const storages: MapStorage[] = [];
    const started = Date.now();

    const count = (p: Promise<DeliveryResult>) =>
      void p.then((r) => {
        results[r.status] = (results[r.status] ?? 0) + 1;
      });

    const newPage = (storage: MapStorage, transport: "event" | "batch") => {
      const calls: ClientCall[] = [];
      clientCalls.push(calls);
      return new Schematic(KEY, {
        apiUrl: emulator.url,
        eventUrl: emulator.url,
        storage,
        locks: null,
        fetch: recordingFetch(calls),
        // The default flushInterval (100 ms). With a few ms, a new page's own events can go out before it
        // adopts the previous page's leftovers when the event loop lags (see the report: adoption waits for
        // the first heartbeat timer), which reorders events across a reload.
        maxAttempts: 40,
        transport,
        onDrop: (d) => dropped.push(d),
      });
    };

    async function browser(b: number): Promise<void> {
      const storage = new MapStorage();
      storages.push(storage);
      // Every fourth browser sends up to 100 events per POST /batch instead of one per POST /e.
      const transport = b % 4 === 1 ? "batch" : "event";
      let user = `u${b}`;
      for (let page = 0; page < PAGES; page++) {
        const client = newPage(storage, transport);
        // Browser 3 (and every 10th) logs out half-way and another user signs in on the same storage.
        if (page === 2 && b % 10 === 3) {
          client.reset();
          user = `u${b}b`;
        }
        for (let n = 0; n < EVENTS_PER_PAGE; n++) {
          const label = `${user}/p${page}/e${n}`;
          // Each page starts with an identify (new traits, so it is not a duplicate); a few more come mid-page.
          if (n === 0 || random() < 0.08) {
            made.push({ label, user, type: "identify" });
            count(
              client.identify({
                keys: { id: user },
                traits: { label, page },
                company: { keys: { id: `c${b % 8}` }, name: `Company ${b % 8}` },
              }),
            );
          } else {
            made.push({ label, user, type: "track" });
            count(client.track({ event: "query", traits: { label }, quantity: n }));
          }
          if (random() < 0.3) await sleep(Math.floor(random() * 20));
        }
        await sleep(150 + Math.floor(random() * 750));
        client.close(); // a reload: whatever is not acknowledged stays in storage for the next page
      }
      // The last page load adopts what earlier pages left behind and delivers it.
      const last = newPage(storage, transport);
      last.mount(); // a live page: starts the heartbeat that adopts closed pages' queues
      await sleep(20);
      // Adoption waits on the tab heartbeat, so the queue can look empty before a closed page's leftovers
      // are taken over: wait (bounded by time, not by a count of flushes) until no stored queue holds events.
      const stranded = () => [...storage.map.entries()].some(([k, v]) => /:q[^:]*$/.test(k) && v !== "[]");
      const deadline = Date.now() + 150_000; // inside the test's 180 s: 30 % of requests fail, backoff grows to 30 s
      while ((last.getSnapshot().queue.pending > 0 || stranded()) && Date.now() < deadline) {
        await last.flush(5_000);
        await sleep(50);
      }
      await sleep(20);
      expect(last.getSnapshot().queue.pending).toBe(0);
      last.close();
    }

    const runs = Array.from({ length: BROWSERS }, (_, b) => browser(b));
    await sleep(1_500);
    await emulator.restart(1_000); // killed mid-run, back on the same port with its data file
    await Promise.all(runs);
    const elapsed = Date.now() - started;

    // Nothing is left in any browser's storage: no queue was stranded.
    const leftovers = storages.flatMap((s) =>
      [...s.map.entries()].filter(([k, v]) => /:q[^:]*$/.test(k) && v !== "[]"),
    );
    expect(leftovers).toEqual([]);

    const stored = emulator.events().filter((e) => e.api_key === KEY);
    const report = deliveryReport(made, stored);

    // Every tracker_event_id a client ever sent reached the store.
    const sentIds = new Set<string>();
    for (const calls of clientCalls)
      for (const c of calls)
        if (c.body) {
          const body = JSON.parse(c.body) as {
            tracker_event_id?: string;
            events?: Array<{ tracker_event_id: string }>;
          };
          for (const e of body.events ?? [body]) if (e.tracker_event_id) sentIds.add(e.tracker_event_id);
        }
    const storedIds = new Set(stored.map((e) => e.tracker_event_id));
    const idsLost = [...sentIds].filter((id) => !storedIds.has(id));

    // Identify events were applied: each user holds the traits of its last identify.
    const store = emulator.running.emulator.store;
    const lastIdentify = new Map<string, string>();
    for (const m of made) if (m.type === "identify") lastIdentify.set(m.user, m.label);
    const staleUsers = [...lastIdentify].filter(
      ([user, label]) => store.findUser({ id: user })?.traits.label !== label,
    );

    // Retry-After, per client: no request before the time the server asked for.
    const early = clientCalls.flatMap((calls) => retryAfterViolations(calls));

    const totals = emulator.totals();
    console.log(
      totalsLine("browser", {
        sent: made.length,
        received: report.received,
        duplicates: totals.duplicates,
        lost: report.lost.length,
        dropped: dropped.length,
        requests: totals.requests,
        "503": totals.failed,
        "429": totals.rateLimited,
        restarts: emulator.restarts,
        results: JSON.stringify(results),
        ms: elapsed,
      }),
    );

    expect(made).toHaveLength(BROWSERS * PAGES * EVENTS_PER_PAGE);
    expect(dropped.map((d) => `${d.reason}: ${d.event.tracker_event_id}`)).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.twice).toEqual([]);
    expect(idsLost).toEqual([]);
    expect(report.identifyAfterTrack).toEqual([]);
    expect(report.reordered).toEqual([]);
    expect(staleUsers).toEqual([]);
    expect(early).toEqual([]);
    expect(totals.failed).toBeGreaterThan(0);
    expect(totals.rateLimited).toBeGreaterThan(0);
  }, 180_000);

  it("waits out Retry-After: the emulator's log shows no request before the time it asked for", async () => {
    const emulator = await RestartableEmulator.start({ rateLimit: 4, latency: 5 });
    cleanups.push(() => emulator.close());
    const calls: ClientCall[] = [];
    const client = new Schematic(KEY, {
      apiUrl: emulator.url,
      eventUrl: emulator.url,
      storage: new MapStorage(),
      locks: null,
      fetch: recordingFetch(calls),
      flushInterval: 1,
    });
    await client.identify({ keys: { id: "rl-user" }, company: { keys: { id: "rl-co" } } });
    for (let i = 0; i < 20; i++) void client.track({ event: "query", traits: { i } });
    await client.flush(30_000);
    client.close();

    const log = emulator.requests();
    const limited = log.filter((r) => r.status === 429);
    console.log(
      totalsLine("browser rate-limit", {
        requests: log.length,
        "429": limited.length,
        delivered: client.getSnapshot().queue.delivered,
      }),
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((r) => (r.retryAfter ?? 0) >= 1)).toBe(true);
    expect(serverRetryAfterViolations(log)).toEqual([]);
    expect(retryAfterViolations(calls)).toEqual([]);
    expect(client.getSnapshot().queue).toMatchObject({ pending: 0, delivered: 21, dropped: 0 });
  });
});
