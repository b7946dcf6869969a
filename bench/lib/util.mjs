/** Small helpers shared by the benchmark sections: statistics, child processes, formatting. */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The bench package's folder: children run here so packages resolve from bench/node_modules. */
export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const LIB_DIR = join(BENCH_DIR, "lib");

export function median(values) {
  const xs = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (xs.length === 0) return undefined;
  const mid = xs.length >> 1;
  return xs.length % 2 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

/** The q-quantile (0..1) of a sorted numeric array (nearest rank). */
export function quantile(sorted, q) {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

/** The median of each numeric field over several result objects (non-numeric fields: first value). */
export function medianOf(results) {
  const ok = results.filter(Boolean);
  if (ok.length === 0) return undefined;
  const out = {};
  for (const key of Object.keys(ok[0])) {
    const values = ok.map((r) => r[key]);
    out[key] = typeof values[0] === "number" ? median(values) : values[0];
  }
  out.runs = ok.length;
  return out;
}

/**
 * Runs `node <args>` in bench/, collecting stdout, stderr and wall time. Killed
 * (SIGKILL) after `timeoutMs`, so no child outlives its budget.
 */
export function runNode(args, { timeoutMs = 120_000, env } = {}) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, args, {
      cwd: BENCH_DIR,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ code, stdout, stderr, ms, timedOut });
    });
  });
}

/** Runs a worker script that prints one JSON line last; returns the parsed object or `{ error }`. */
export async function runWorker(script, args = [], { nodeArgs = [], timeoutMs } = {}) {
  const res = await runNode([...nodeArgs, join(LIB_DIR, script), ...args.map(String)], { timeoutMs });
  const lines = res.stdout.trim().split("\n");
  const last = lines[lines.length - 1];
  if (res.timedOut) return { error: `timed out after ${timeoutMs} ms` };
  try {
    const parsed = JSON.parse(last);
    if (res.code !== 0 && !parsed.error) parsed.error = `exit ${res.code}`;
    return parsed;
  } catch {
    const err = res.stderr.trim().split("\n").slice(-3).join(" | ") || `exit ${res.code}`;
    return { error: err.slice(0, 300) };
  }
}

/** Prints the worker's result as its last stdout line and exits; any throw is reported as `{ error }`. */
export async function workerMain(fn) {
  let out;
  try {
    out = await fn();
  } catch (error) {
    out = {
      error: String(error?.stack ?? error)
        .split("\n")
        .slice(0, 2)
        .join(" "),
    };
  }
  process.stdout.write(`\n${JSON.stringify(out)}\n`);
  process.exit(out?.error ? 1 : 0);
}

/** A promise that rejects after `ms`: bounds every wait in the workers. */
export function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export function fmt(value, digits = 0) {
  if (value === undefined || value === null || Number.isNaN(value)) return "n/a";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ratio(ours, theirs) {
  if (typeof ours !== "number" || typeof theirs !== "number" || theirs === 0) return undefined;
  return ours / theirs;
}
