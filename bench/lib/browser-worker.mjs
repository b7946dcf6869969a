/**
 * Browser clients run in Node (no window): memory storage wrapped to count
 * writes, `fetch` stubbed to an instant 200 that counts requests, no Web
 * Locks. Run as a child process by browser.mjs, one measurement per process:
 *
 *   node --expose-gc lib/browser-worker.mjs calls   <ours|theirs> <count> <windowMs> [maxQueueSize]
 *   node lib/browser-worker.mjs              dedupe  <ours|theirs> <count>
 *   node lib/browser-worker.mjs              batch   <ours|theirs> <count>
 *
 * Prints one JSON line.
 */
import { within, workerMain } from "./util.mjs";

const [mode, impl, countArg, windowArg, queueArg] = process.argv.slice(2);
const COUNT = Number(countArg);
const WINDOW_MS = Number(windowArg ?? 250);
const KEY = "api_bench_publishable";
const URL_BASE = "http://127.0.0.1:9";

// ---- instrumentation -------------------------------------------------------

const net = { requests: 0, events: 0, paths: {} };
async function stubFetch(url, init) {
  net.requests++;
  const path = new URL(String(url)).pathname;
  net.paths[path] = (net.paths[path] ?? 0) + 1;
  if (path === "/batch") net.events += JSON.parse(init.body).events.length;
  else if (path === "/e") net.events++;
  return new Response('{"data":{},"params":{}}', {
    status: 200,
    headers: { "content-type": "application/json" },
  });
}
// The official client calls the global fetch (it has no fetch option); ours gets it as an option too.
globalThis.fetch = stubFetch;

const store = { writes: 0, bytes: 0, keys: [], maxWritesPerTask: 0 };

/**
 * Tasks as a browser has them: every timer callback starts one (Node runs
 * every due timer in one event-loop turn; a browser runs each as its own
 * task), and so does every event-loop turn. A write belongs to the task in
 * which it happens, including the microtasks that task set off (a resolved
 * `fetch`, a promise chain), which run before the next task starts.
 */
let taskWrites = 0;
const newTask = () => {
  taskWrites = 0;
};
const realSetTimeout = globalThis.setTimeout;
const realSetInterval = globalThis.setInterval;
globalThis.setTimeout = (callback, ms, ...args) =>
  realSetTimeout(() => {
    newTask();
    callback(...args);
  }, ms);
globalThis.setInterval = (callback, ms, ...args) =>
  realSetInterval(() => {
    newTask();
    callback(...args);
  }, ms);

/** Records one storage write (set or remove) of `key`; keys are kept per tick to name the writers of the busiest tick. */
function wrote(key, value) {
  store.writes++;
  taskWrites++;
  store.maxWritesPerTask = Math.max(store.maxWritesPerTask, taskWrites);
  if (value !== undefined) store.bytes += value.length;
  if (store.keys.length < 32)
    store.keys.push(value === undefined ? `remove ${shortKey(key)}` : shortKey(key));
}
/** Storage keys without per-tab uuids, so they read the same run to run. */
const shortKey = (key) => key.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, "<tab>");

function countingMap() {
  const map = new Map();
  return {
    get: (k) => (map.has(k) ? map.get(k) : null),
    set: (k, v) => {
      wrote(k, v);
      map.set(k, v);
    },
    remove: (k) => {
      wrote(k);
      map.delete(k);
    },
  };
}

/** Counts storage writes between consecutive setImmediate ticks (a write inside a long synchronous loop lands in the tick after it). */
function tickCounter() {
  let last = store.writes;
  let on = true;
  const stats = { ticks: 0, maxWritesPerTick: 0, ticksWithWrites: 0, busiestTick: [] };
  store.keys = [];
  const loop = () => {
    newTask();
    const d = store.writes - last;
    last = store.writes;
    stats.ticks++;
    if (d > 0) stats.ticksWithWrites++;
    if (d > stats.maxWritesPerTick) {
      stats.maxWritesPerTick = d;
      stats.busiestTick = store.keys.slice(0, 8);
    }
    store.keys = [];
    if (on) setImmediate(loop);
  };
  setImmediate(loop);
  return {
    stats,
    stop: () => {
      on = false;
    },
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const heapMB = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

// ---- the two clients behind one face -----------------------------------------

async function makeClient(options = {}) {
  if (impl === "ours") {
    const { Schematic } = await import("@schematic-sdk/browser");
    const client = new Schematic(KEY, {
      apiUrl: URL_BASE,
      eventUrl: URL_BASE,
      // The same counting memory storage as the official client's; ours takes the shape as is.
      storage: countingMap(),
      fetch: stubFetch,
      locks: null,
      ...options,
    });
    return {
      identify: (input) => client.identify(input),
      track: (input) => client.track(input),
      setContext: (ctx) => client.setContext(ctx),
      flush: (ms) => client.flush(ms),
      queue: () => client.getSnapshot().queue,
      getFlagCheck: (key) => client.getFlagCheck(key),
      close: () => client.close(),
    };
  }
  const mod = await import("@schematichq/schematic-js");
  const Schematic = mod.Schematic ?? mod.default?.Schematic;
  const storage = countingMap();
  const client = new Schematic(KEY, {
    apiUrl: URL_BASE,
    eventUrl: URL_BASE,
    storage: { getItem: storage.get, setItem: storage.set, removeItem: storage.remove },
    ...options,
  });
  const pending = new Set();
  const keep = (p) => {
    pending.add(p);
    p.finally(() => pending.delete(p));
    return p;
  };
  return {
    identify: (input) => keep(client.identify(input)),
    track: (input) => keep(client.track(input)),
    setContext: (ctx) => client.setContext(ctx),
    flush: (ms) => within(Promise.allSettled([...pending]), ms, "official sends"),
    queue: () => undefined,
    close: () => client.cleanup?.(),
  };
}

const identifyInput = (i) => ({
  keys: { id: `user-${i}` },
  name: "Bench User",
  traits: { plan: "pro" },
  company: { keys: { id: "company-1" }, name: "Acme", traits: { seats: 5 } },
});
const trackInput = { event: "query", quantity: 1, traits: { source: "bench" } };

// ---- measurements --------------------------------------------------------------

/** One phase: `COUNT` synchronous calls, then a window of event-loop ticks in which coalesced writes and sends run. */
async function phase(call) {
  const writes0 = store.writes;
  store.maxWritesPerTask = 0;
  const counter = tickCounter();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < COUNT; i++) void call(i);
  const loopMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const writesInLoop = store.writes - writes0;
  await sleep(WINDOW_MS);
  counter.stop();
  await new Promise((r) => setImmediate(r));
  return {
    usPerCall: (loopMs * 1000) / COUNT,
    writesInLoop,
    writes: store.writes - writes0,
    writesPerCall: (store.writes - writes0) / COUNT,
    maxWritesPerTick: counter.stats.maxWritesPerTick,
    busiestTick: counter.stats.busiestTick,
    maxWritesPerTask: store.maxWritesPerTask,
    ticks: counter.stats.ticks,
  };
}

async function calls() {
  const heap0 = heapMB();
  // Ours only: a maxQueueSize above the default (1000) keeps every event instead of dropping the oldest.
  const client = await makeClient(impl === "ours" && queueArg ? { maxQueueSize: Number(queueArg) } : {});
  // Avoid counting first-use setup (storage reads, tab lease) in the timed loop.
  void client.track({ event: "warmup" });
  await sleep(WINDOW_MS);
  const base = { requests: net.requests, writes: store.writes };
  const identify = await phase((i) => client.identify(identifyInput(i)));
  const heap1 = heapMB();
  const track = await phase(() => client.track(trackInput));
  const heap2 = heapMB();
  const queue = client.queue();
  client.close();
  const getFlagCheck = impl === "ours" ? await flagCheckReads() : undefined;
  return {
    impl,
    count: COUNT,
    windowMs: WINDOW_MS,
    maxQueueSize: impl === "ours" ? Number(queueArg) || 1000 : undefined,
    identify,
    track,
    heapGrowthMB: heap2 - heap0,
    heapAfterIdentifyMB: heap1 - heap0,
    requestsDuringRun: net.requests - base.requests,
    queue,
    getFlagCheck,
    gc: typeof globalThis.gc === "function",
  };
}

/** `getFlagCheck` of a known, metered check (the value a hook reads), 1,000,000 times: ns per call. */
async function flagCheckReads() {
  const client = await makeClient({
    bootstrap: {
      context: { company: { id: "company-1" } },
      checks: {
        queries: {
          flag: "queries",
          value: true,
          reason: "bench",
          featureAllocation: 10,
          featureUsage: 3,
          featureUsageEvent: "query",
        },
      },
    },
  });
  let seen = 0;
  for (let i = 0; i < 10_000; i++) if (client.getFlagCheck("queries")) seen++;
  const n = 1_000_000;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) if (client.getFlagCheck("queries")) seen++;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  client.close();
  return { nsPerCall: ns, seen };
}

async function dedupe() {
  const client = await makeClient();
  const input = identifyInput(1);
  for (let i = 0; i < COUNT; i++) void client.identify(input);
  await client.flush(20_000);
  client.close();
  return { impl, count: COUNT, requests: net.requests, paths: net.paths, events: net.events };
}

async function batch() {
  const client = await makeClient(impl === "ours" ? { transport: "batch", maxQueueSize: COUNT } : {});
  const ctx = { company: { id: "company-1" }, user: { id: "user-1" } };
  const input = { ...trackInput, ...ctx };
  const t0 = performance.now();
  for (let i = 0; i < COUNT; i++) void client.track(input);
  await client.flush(60_000);
  const ms = performance.now() - t0;
  client.close();
  return { impl, count: COUNT, requests: net.requests, events: net.events, paths: net.paths, ms };
}

workerMain(async () => {
  if (!["ours", "theirs"].includes(impl) || !(COUNT > 0))
    throw new Error("usage: <mode> <ours|theirs> <count>");
  if (mode === "calls") return calls();
  if (mode === "dedupe") return dedupe();
  if (mode === "batch") return batch();
  throw new Error(`unknown mode ${mode}`);
});
