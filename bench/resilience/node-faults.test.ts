/**
 * The Node client under faults: real HTTP to the emulator with 30 % of
 * requests failing, latency, a rate limit with `Retry-After`, and the
 * emulator killed and restarted mid-run. Then the same client in a child
 * process, which must end on its own right after `close()`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { StoredEvent } from "@schematic-sdk/emulator/node";
import { startEmulator } from "@schematic-sdk/emulator/node";
import {
  isSchematicApiError,
  isSchematicError,
  isSchematicNetworkError,
  isSchematicTimeoutError,
  SchematicClient,
} from "@schematic-sdk/node";
import { afterAll, describe, expect, it } from "vitest";
import {
  type ClientCall,
  RestartableEmulator,
  recordingFetch,
  retryAfterViolations,
  serverRetryAfterViolations,
  sleep,
  totalsLine,
} from "./support";

const TRACKS = 5_000;
const UPSERTS = 500;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const labelOf = (e: StoredEvent) => (e.body as { traits?: { label?: unknown } }).traits?.label;

/** Per request body (an upsert and its retries send the same body): Retry-After respected between attempts. */
function perBodyViolations(calls: ClientCall[], paths: string[]): string[] {
  const byBody = new Map<string, ClientCall[]>();
  for (const c of calls) {
    if (!paths.includes(c.path) || !c.body) continue;
    byBody.set(c.body, [...(byBody.get(c.body) ?? []), c]);
  }
  return [...byBody.values()].flatMap((list) => retryAfterViolations(list));
}

describe("node client under faults", () => {
  it("5,000 tracks and 500 upserts: every event delivered once, every upsert resolved or threw a typed error", async () => {
    const emulator = await RestartableEmulator.start({ failRate: 0.3, latency: 15, rateLimit: 40 });
    cleanups.push(() => emulator.close());
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const calls: ClientCall[] = [];
    const started = Date.now();
    try {
      const client = new SchematicClient({
        apiKey: "sch_dev_resilience",
        apiUrl: emulator.url,
        eventUrl: emulator.url,
        fetch: recordingFetch(calls),
        flushInterval: 100,
        maxEventAttempts: 30,
        logger: quiet,
      });

      // Upserts run 16 at a time while tracks come in bursts; the emulator is restarted in the middle.
      const upserts = {
        resolved: 0,
        threw: {} as Record<string, number>,
        untyped: [] as unknown[],
        bad: [] as string[],
        companies: [] as string[],
        users: [] as string[],
      };
      let next = 0;
      const worker = async () => {
        while (next < UPSERTS) {
          const i = next++;
          try {
            if (i % 2 === 0) {
              const company = await client.upsertCompany({
                keys: { id: `nc${i}` },
                name: `Company ${i}`,
                traits: { i },
              });
              if (company.keys.id !== `nc${i}` || company.traits.i !== i) upserts.bad.push(`company ${i}`);
              upserts.companies.push(`nc${i}`);
            } else {
              const user = await client.upsertUser({
                keys: { id: `nu${i}` },
                company: { id: `nc${i - 1}` },
                traits: { i },
              });
              if (user.keys.id !== `nu${i}` || user.companyIds.length !== 1) upserts.bad.push(`user ${i}`);
              upserts.users.push(`nu${i}`);
            }
            upserts.resolved++;
          } catch (error) {
            const typed =
              isSchematicApiError(error) || isSchematicNetworkError(error) || isSchematicTimeoutError(error);
            if (!typed) upserts.untyped.push(error);
            else {
              const name = isSchematicApiError(error)
                ? `${error.name} ${error.status}`
                : (error as Error).name;
              upserts.threw[name] = (upserts.threw[name] ?? 0) + 1;
            }
          }
        }
      };
      const upserting = Promise.all(Array.from({ length: 16 }, worker));
      const tracking = (async () => {
        for (let burst = 0; burst < 10; burst++) {
          for (let n = 0; n < TRACKS / 10; n++) {
            const i = burst * (TRACKS / 10) + n;
            client.track({
              event: "api-call",
              company: { id: `nc${(i % 50) * 2}` },
              traits: { label: `t${i}` },
              quantity: 1,
            });
          }
          await sleep(250);
        }
      })();
      await sleep(1_200);
      await emulator.restart(1_000);
      await Promise.all([upserting, tracking]);
      await client.close();
      const closedAt = Date.now();
      const statsAfterClose = client.stats;
      const requestsAtClose = emulator.totals().requests;
      await sleep(300);

      const stored = emulator.events().filter((e) => e.api_key === "sch_dev_resilience");
      const counts = new Map<unknown, number>();
      for (const e of stored) counts.set(labelOf(e), (counts.get(labelOf(e)) ?? 0) + 1);
      const lost = Array.from({ length: TRACKS }, (_, i) => `t${i}`).filter((l) => !counts.has(l));
      const twice = [...counts].filter(([, n]) => n > 1).map(([l]) => l);
      const sentIds = new Set(
        calls
          .filter((c) => c.path === "/batch" && c.body)
          .flatMap((c) =>
            (JSON.parse(c.body!) as { events: Array<{ tracker_event_id: string }> }).events.map(
              (e) => e.tracker_event_id,
            ),
          ),
      );
      const storedIds = new Set(stored.map((e) => e.tracker_event_id));
      const idsLost = [...sentIds].filter((id) => !storedIds.has(id));
      // Up to four batches are in flight, so tracks of concurrent batches may arrive out of order
      // (counted, and deduplicated by tracker_event_id); within each batch they keep call order.
      const outOfOrder = calls
        .filter((c) => c.path === "/batch" && c.body)
        .map(
          (c) => (JSON.parse(c.body!) as { events: Array<{ body: { traits?: { label?: string } } }> }).events,
        )
        .map((events) => events.map((e) => Number(String(e.body.traits?.label).slice(1))))
        .filter((order) => order.some((n, k) => k > 0 && n < order[k - 1]!)).length;

      // Every upsert that resolved is in the store.
      const store = emulator.running.emulator.store;
      const threwTotal = Object.values(upserts.threw).reduce((a, b) => a + b, 0);
      const totals = emulator.totals();
      console.log(
        totalsLine("node", {
          sent: TRACKS,
          received: counts.size,
          duplicates: totals.duplicates,
          lost: lost.length,
          dropped: statsAfterClose.dropped,
          batches: statsAfterClose.requests,
          upserts: `${upserts.resolved} resolved/${threwTotal} threw ${JSON.stringify(upserts.threw)}`,
          requests: totals.requests,
          "503": totals.failed,
          "429": totals.rateLimited,
          restarts: emulator.restarts,
          ms: closedAt - started,
        }),
      );

      expect(lost).toEqual([]);
      expect(twice).toEqual([]);
      expect(idsLost).toEqual([]);
      expect(outOfOrder).toBe(0);
      expect(statsAfterClose).toMatchObject({ pending: 0, delivered: TRACKS, dropped: 0 });
      expect(upserts.resolved + threwTotal).toBe(UPSERTS);
      expect(upserts.untyped).toEqual([]);
      expect(upserts.bad).toEqual([]);
      // What resolved is stored (what threw may or may not be: a failure can come after the write).
      expect(upserts.companies.filter((id) => !store.findCompany({ id }))).toEqual([]);
      expect(upserts.users.filter((id) => !store.findUser({ id }))).toEqual([]);
      // After close(): nothing more is sent, and tracking is refused with a typed error.
      expect(emulator.totals().requests).toBe(requestsAtClose);
      let late: unknown;
      try {
        client.track({ event: "late" });
      } catch (error) {
        late = error;
      }
      expect(isSchematicError(late) && (late as Error).message).toMatch(/closed/);
      // Retry-After, from the client's own timeline: batches pause as a whole, an upsert's retry waits.
      expect(retryAfterViolations(calls, ["/batch"])).toEqual([]);
      expect(perBodyViolations(calls, ["/companies", "/users"])).toEqual([]);
      expect(totals.failed).toBeGreaterThan(0);
      expect(totals.rateLimited).toBeGreaterThan(0);
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("waits out Retry-After: the emulator's log shows no request before the time it asked for", async () => {
    const server = await startEmulator({ port: 0, host: "127.0.0.1", rateLimit: 3, latency: 5 });
    cleanups.push(() => server.close());
    const calls: ClientCall[] = [];
    const client = new SchematicClient({
      apiKey: "sch_dev_ratelimit",
      apiUrl: server.url,
      eventUrl: server.url,
      fetch: recordingFetch(calls),
      maxRetries: 10,
      maxBatchSize: 10,
      flushInterval: 1,
      logger: quiet,
    });
    // One caller at a time, so every request after a 429 is that caller's next attempt.
    for (let i = 0; i < 8; i++) await client.upsertCompany({ keys: { id: `rl${i}` } });
    const upsertLog = server.emulator.store.requests();
    for (let i = 0; i < 60; i++) client.track({ event: "query", traits: { i } });
    await client.close();
    const batchLog = server.emulator.store.requests({ path: "/batch" });
    const limited = [...upsertLog, ...batchLog].filter((r) => r.status === 429);
    console.log(
      totalsLine("node rate-limit", {
        requests: upsertLog.length + batchLog.length,
        "429": limited.length,
        delivered: client.stats.delivered,
      }),
    );
    expect(upsertLog.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(batchLog.filter((r) => r.status === 429).length).toBeGreaterThan(0);
    expect(serverRetryAfterViolations(upsertLog)).toEqual([]);
    // Several batches are in flight: those sent before the 429 reached the client arrive inside its
    // window, so batches are checked on the client's own timeline (nothing sent after it learned).
    expect(retryAfterViolations(calls, ["/batch"])).toEqual([]);
    expect(client.stats).toMatchObject({ pending: 0, delivered: 60, dropped: 0 });
  });
});

// ---- the process ends on its own after close() ----

const here = fileURLToPath(new URL(".", import.meta.url));
const distEntry = join(here, "../../packages/node/dist/index.js");

/** The node package as a Node process imports it: the built dist when there is one, else its sources bundled by esbuild. */
async function nodeSdkModule(): Promise<{ url: string; from: string } | undefined> {
  if (existsSync(distEntry)) return { url: pathToFileURL(distEntry).href, from: "dist" };
  try {
    const { build } = await import("esbuild");
    const dir = await mkdtemp(join(tmpdir(), "schematic-node-sdk-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const outfile = join(dir, "index.mjs");
    await build({
      entryPoints: [join(here, "../../packages/node/src/index.ts")],
      bundle: true,
      format: "esm",
      platform: "node",
      target: "node20",
      outfile,
      logLevel: "error",
    });
    return { url: pathToFileURL(outfile).href, from: "sources (esbuild)" };
  } catch {
    return undefined;
  }
}

interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  exitedAt: number;
  summary?: {
    resolved: number;
    threw: Record<string, number>;
    untyped: string[];
    unhandled: string[];
    stats: { pending: number; delivered: number; dropped: number };
    closedAt: number;
  };
}

function runChild(env: Record<string, string>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, "node-child.mjs")], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `child still running after 90 s (it must exit on its own after close()):\n${stdout}\n${stderr}`,
        ),
      );
    }, 90_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      const line = stdout.trim().split("\n").at(-1) ?? "";
      let summary: ChildRun["summary"];
      try {
        summary = JSON.parse(line);
      } catch {
        summary = undefined;
      }
      resolve({ code, stdout, stderr, exitedAt: Date.now(), ...(summary && { summary }) });
    });
  });
}

describe("node client in its own process", async () => {
  const sdk = await nodeSdkModule();
  const skip = sdk
    ? false
    : "no packages/node/dist/index.js and esbuild could not bundle the sources: run `pnpm build`";

  it.skipIf(skip)(
    "1,000 tracks under faults: close() delivers everything and the process then exits by itself",
    async () => {
      const server = await startEmulator({ port: 0, host: "127.0.0.1", failRate: 0.3, latency: 10 });
      cleanups.push(() => server.close());
      const run = await runChild({ SDK: sdk!.url, EMULATOR_URL: server.url, UPSERTS: "0", TRACKS: "1000" });
      console.log(
        totalsLine(`node child (${sdk!.from}), tracks only`, {
          code: String(run.code),
          exitMsAfterClose: run.summary ? run.exitedAt - run.summary.closedAt : "n/a",
        }),
      );
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.summary?.stats).toMatchObject({
        pending: 0,
        delivered: 1000,
        dropped: 0,
        requests: expect.any(Number),
      });
      expect(run.summary?.unhandled).toEqual([]);
      expect(run.exitedAt - run.summary!.closedAt).toBeLessThan(5_000);
      expect(server.emulator.store.events().filter((e) => e.api_key === "sch_dev_child")).toHaveLength(1000);
    },
  );

  // An awaited upsert keeps the process alive while it waits to retry (ref'd timers), and no longer.
  it.skipIf(skip)(
    "100 upserts and 1,000 tracks under faults: every upsert settles, close() delivers everything, then the process exits by itself",
    async () => {
      const server = await startEmulator({ port: 0, host: "127.0.0.1", failRate: 0.3, latency: 10 });
      cleanups.push(() => server.close());
      const run = await runChild({
        SDK: sdk!.url,
        EMULATOR_URL: server.url,
        UPSERTS: "100",
        TRACKS: "1000",
        CONCURRENCY: "8",
      });
      console.log(
        totalsLine(`node child (${sdk!.from}), upserts and tracks`, {
          code: String(run.code),
          upserts: run.summary
            ? `${run.summary.resolved} resolved/${JSON.stringify(run.summary.threw)} threw`
            : "no summary",
          delivered: run.summary?.stats.delivered ?? "n/a",
          exitMsAfterClose: run.summary ? run.exitedAt - run.summary.closedAt : "n/a",
        }),
      );
      expect(run.code, `exit code ${run.code}; stderr: ${run.stderr.slice(0, 300)}`).toBe(0);
      expect(run.summary).toBeDefined();
      const threw = Object.values(run.summary!.threw).reduce((a, b) => a + b, 0);
      expect(run.summary!.resolved + threw).toBe(100);
      expect(run.summary!.untyped).toEqual([]);
      expect(run.summary!.unhandled).toEqual([]);
      expect(run.summary!.stats).toMatchObject({ pending: 0, delivered: 1000, dropped: 0 });
    },
  );
});
