/**
 * Node clients against the emulator over real HTTP, one measurement per
 * process (run by node.mjs):
 *
 *   node lib/node-worker.mjs upsert <ours|theirs> <url> <seconds> <concurrency> <warmupSeconds> [hooks]
 *   node --expose-gc lib/node-worker.mjs track <ours|theirs> <url> <count> [maxQueueSize|0] [fetch]
 *   node lib/node-worker.mjs flagcache <ours|theirs> <url> <calls>
 *
 * `fetch` (ours only) sets the client's `fetch` option to Node's fetch instead of its node:http default.
 * `hooks` (ours only) gives the client a `beforeRequest` hook that sets a header, so ky runs every attempt.
 *
 * Prints one JSON line. Every loop is bounded by a count and by time.
 */
import { quantile, within, workerMain } from "./util.mjs";

const [mode, impl, url, ...rest] = process.argv.slice(2);
const API_KEY = "sch_dev_bench";
const MAX_REQUESTS = 2_000_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

async function makeClient(options = {}) {
  if (!url?.startsWith("http://127.0.0.1:")) throw new Error(`refusing a non-loopback URL: ${url}`);
  if (impl === "ours") {
    const { SchematicClient } = await import("@schematic-sdk/node");
    const client = new SchematicClient({
      apiKey: API_KEY,
      apiUrl: url,
      eventUrl: url,
      logger: silent,
      ...options,
    });
    return {
      upsert: (input) => client.upsertCompany(input),
      track: (input) => client.track(input),
      checkFlag: (context, key) => client.checkFlag(key, context),
      flush: () => client.flush(),
      close: () => client.close(),
    };
  }
  if (impl === "theirs") {
    const { SchematicClient } = await import("@schematichq/schematic-typescript-node");
    const client = new SchematicClient({
      apiKey: API_KEY,
      basePath: url,
      eventCaptureBaseURL: url,
      logLevel: "error",
    });
    return {
      upsert: (input) => client.companies.upsertCompany(input),
      track: (input) => client.track(input),
      checkFlag: (context, key) => client.checkFlag(context, key),
      // The official client has no public flush, and its close() right after a burst drops what is
      // buffered behind an in-flight batch; so wait (bounded) until the emulator has every event.
      flush: (count) => untilReceived(count),
      close: () => client.close(),
    };
  }
  throw new Error(`unknown client ${impl}`);
}

/** Polls the emulator until it has received `count` events, or nothing arrived for 3 s (60 s at most). */
async function untilReceived(count) {
  const deadline = performance.now() + 60_000;
  let last = -1;
  let lastChange = performance.now();
  while (performance.now() < deadline) {
    const res = await fetch(`${url}/stats`, { signal: AbortSignal.timeout(5_000) });
    const received = (await res.json()).data.eventsReceived;
    if (received >= count) return;
    if (received !== last) {
      last = received;
      lastChange = performance.now();
    } else if (performance.now() - lastChange > 3_000) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const companyInput = (i) => ({
  keys: { id: `bench-company-${i % 1000}` },
  name: `Company ${i % 1000}`,
  traits: { seats: i % 50, plan: "pro" },
});

async function upsert() {
  const [seconds, concurrency, warmup] = rest.map(Number);
  const traced = { beforeRequest: [(request) => request.headers.set("traceparent", "00-bench-01")] };
  const client = await makeClient(rest[3] === "hooks" ? { hooks: traced } : {});
  let issued = 0;
  let errors = 0;
  let firstError;
  let n = 0;
  const latencies = new Float64Array(MAX_REQUESTS);
  const run = async (until, record) => {
    while (performance.now() < until && issued < MAX_REQUESTS) {
      const i = issued++;
      const t0 = performance.now();
      try {
        await client.upsert(companyInput(i));
        if (record) latencies[n++] = performance.now() - t0;
      } catch (error) {
        if (record) errors++;
        firstError ??= String(error?.message ?? error).slice(0, 200);
      }
    }
  };
  const lanes = (until, record) => Promise.all(Array.from({ length: concurrency }, () => run(until, record)));
  await within(lanes(performance.now() + warmup * 1000, false), (warmup + 30) * 1000, "warm-up");
  issued = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await within(lanes(t0 + seconds * 1000, true), (seconds + 30) * 1000, "measurement");
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const rssMB = process.memoryUsage().rss / 2 ** 20;
  await within(client.close(), 10_000, "close()");
  const sorted = latencies.subarray(0, n).sort();
  return {
    impl,
    concurrency,
    seconds: elapsed,
    ok: n,
    errors,
    firstError,
    perSecond: n / elapsed,
    // The client process's CPU (user + system) per call: less moved by a busy machine than throughput.
    cpuUsPerCall: (cpu.user + cpu.system) / Math.max(1, issued),
    systemUsPerCall: cpu.system / Math.max(1, issued),
    rssMB,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
  };
}

async function track() {
  const [count, maxQueueSize] = rest.map(Number);
  // Ours only: an explicit maxQueueSize (the default, 100,000, holds a burst of 100,000), Node's fetch.
  const client = await makeClient({
    ...(maxQueueSize ? { maxQueueSize } : {}),
    ...(rest[2] === "fetch" ? { fetch: globalThis.fetch } : {}),
  });
  const rss = () => {
    globalThis.gc?.();
    return process.memoryUsage().rss / 2 ** 20;
  };
  const rss0 = rss();
  // Peak RSS while events are buffered and delivered (sampled; the loop itself is synchronous).
  let peak = rss0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss / 2 ** 20);
  }, 50);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const p = client.track({
      event: "query",
      company: { id: `company-${i % 100}` },
      user: { id: `user-${i % 1000}` },
      quantity: 1,
      traits: { source: "bench" },
    });
    if (p && typeof p.catch === "function") p.catch(() => {});
  }
  const loopMs = performance.now() - t0;
  const rssAfterLoop = process.memoryUsage().rss / 2 ** 20;
  peak = Math.max(peak, rssAfterLoop);
  await within(client.flush(count), 120_000, "flush()");
  await within(client.close(), 120_000, "close()");
  const deliverMs = performance.now() - t0;
  const rssAfterClose = process.memoryUsage().rss / 2 ** 20;
  clearInterval(sampler);
  peak = Math.max(peak, rssAfterClose);
  return {
    impl,
    count,
    maxQueueSize: maxQueueSize || undefined,
    usPerCall: (loopMs * 1000) / count,
    deliverMs,
    rssGrowthMB: peak - rss0,
    rssAfterLoopMB: rssAfterLoop - rss0,
    rssAfterCloseMB: rssAfterClose - rss0,
  };
}

/** Cached flag checks: one answer fetched, then `calls` hits of it, awaited one by one. */
async function flagcache() {
  const [calls] = rest.map(Number);
  const client = await makeClient();
  const context = { company: { id: "bench-company" }, user: { id: "bench-user" } };
  await client.checkFlag(context, "bench-flag");
  const t0 = performance.now();
  const deadline = t0 + 30_000;
  let n = 0;
  for (; n < calls; n++) {
    await client.checkFlag(context, "bench-flag");
    if ((n & 0xffff) === 0 && performance.now() > deadline) break;
  }
  const ns = ((performance.now() - t0) * 1e6) / n;
  await within(client.close(), 10_000, "close()");
  return { impl, calls: n, nsPerCall: ns };
}

workerMain(() => {
  if (mode === "upsert") return upsert();
  if (mode === "track") return track();
  if (mode === "flagcache") return flagcache();
  throw new Error(`unknown mode ${mode}`);
});
