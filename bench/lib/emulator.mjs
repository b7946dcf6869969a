/**
 * The emulator in its own child process (its CPU must not share the measured
 * client's event loop), on 127.0.0.1 and a free port. The child prints its URL
 * and stops when its stdin closes, so it never outlives the bench.
 *
 *   node lib/emulator.mjs --child [options JSON]   (what the parent spawns)
 *
 * The `entitlements` section: a flag check of a metered feature after
 * 100,000 track events, answered over real HTTP (keep-alive), p50/p99.
 */
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BENCH_DIR } from "./util.mjs";

const SECRET = "sch_dev_bench";

if (process.argv[2] === "--child") {
  const { startEmulator } = await import("@schematic-sdk/emulator/node");
  const options = process.argv[3] ? JSON.parse(process.argv[3]) : {};
  const server = await startEmulator({ port: 0, host: "127.0.0.1", ...options });
  process.stdout.write(`${server.url}\n`);
  const stop = () => server.close().finally(() => process.exit(0));
  process.stdin.on("end", stop);
  process.stdin.resume();
  process.once("SIGTERM", stop);
}

/** Starts the emulator child; resolves to `{ url, stats(), reset(), close() }`. */
export function startEmulatorChild({ timeoutMs = 15_000, options } = {}) {
  const args = [fileURLToPath(import.meta.url), "--child", ...(options ? [JSON.stringify(options)] : [])];
  const child = spawn(process.execPath, args, { cwd: BENCH_DIR, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`emulator did not start within ${timeoutMs} ms ${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) ${stderr.slice(0, 300)}`));
    });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const url = line.trim();
      if (!url.startsWith("http://127.0.0.1:")) {
        child.kill("SIGKILL");
        return reject(new Error(`unexpected emulator output: ${line}`));
      }
      const call = async (method, path) => {
        const res = await fetch(`${url}${path}`, {
          method,
          // resetting changes state: it takes a secret key
          headers: { "x-schematic-api-key": SECRET },
          signal: AbortSignal.timeout(10_000),
        });
        return (await res.json()).data;
      };
      resolve({
        url,
        pid: child.pid,
        stats: () => call("GET", "/stats"),
        reset: () => call("POST", "/reset"),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
            child.once("exit", () => {
              clearTimeout(kill);
              done();
            });
            child.stdin.end();
          }),
      });
    });
  });
}

const CATALOG = {
  features: { queries: { type: "event", event: "query" } },
  plans: { free: { name: "Free", entitlements: { queries: { allocation: 1e9, period: "current_month" } } } },
  defaultPlan: "free",
};

/** One POST over a keep-alive agent; resolves to the parsed body. */
function post(agent, url, path, body, key) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method: "POST",
      agent,
      headers: {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(payload),
        "x-schematic-api-key": key,
      },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () =>
        res.statusCode === 200 ? resolve(JSON.parse(text)) : reject(new Error(`${res.statusCode} ${text}`)),
      );
    });
    req.on("error", reject);
    req.end(payload);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

/** A metered flag check after `events` track events: p50/p99 of `checks` sequential checks over HTTP. */
export async function entitlementSection({
  events = 100_000,
  checks = 2_000,
  companies = 100,
  log = () => {},
} = {}) {
  const emulator = await startEmulatorChild({ options: { catalog: CATALOG, maxEvents: events * 2 } });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const batch = 500;
    for (let sent = 0; sent < events; sent += batch) {
      const list = Array.from({ length: batch }, (_, i) => ({
        type: "track",
        body: { event: "query", company: { id: `c${(sent + i) % companies}` }, quantity: 1 },
        idempotency_key: `bench-${sent + i}`,
      }));
      await post(agent, emulator.url, "/batch", { events: list }, SECRET);
    }
    const stats = await emulator.stats();
    log(`entitlements: ${stats.events} events stored`);
    const times = [];
    let usage;
    for (let i = 0; i < checks + 200; i++) {
      const t0 = performance.now();
      const answer = await post(
        agent,
        emulator.url,
        "/flags/queries/check",
        { company: { id: `c${i % companies}` } },
        "api_pub_bench",
      );
      const ms = performance.now() - t0;
      if (i >= 200) times.push(ms); // the first 200 warm up
      usage = answer.data.feature_usage;
    }
    times.sort((a, b) => a - b);
    return {
      events: stats.events,
      usagePerCompany: usage,
      p50: percentile(times, 0.5),
      p99: percentile(times, 0.99),
    };
  } finally {
    agent.destroy();
    await emulator.close();
  }
}
