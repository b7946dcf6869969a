#!/usr/bin/env node
/**
 * `pnpm bench`: schematic-sdk side by side with the official Schematic SDKs,
 * in one run, on the built packages. Prints a markdown table (stdout; progress
 * goes to stderr) and writes bench/results.json. See README.md.
 *
 *   node run.mjs [--quick] [--only bundle,import,calls,requests,upsert,track,entitlements,live]
 *                [--duration <s>] [--runs <n>] [--concurrency <n,n>] [--json <file>] [--why]
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { callsSection, requestsSection } from "./lib/browser.mjs";
import { bundleSection, bundleWhy, whyMarkdown } from "./lib/bundle.mjs";
import { entitlementSection } from "./lib/emulator.mjs";
import { importSection } from "./lib/import-cost.mjs";
import { liveRows, liveSection } from "./lib/live.mjs";
import { nodeSection } from "./lib/node.mjs";
import { buildRows, markdown } from "./lib/table.mjs";
import { BENCH_DIR } from "./lib/util.mjs";

const SECTIONS = [
  "bundle",
  "import",
  "calls",
  "requests",
  "upsert",
  "track",
  "million",
  "flagcache",
  "entitlements",
  "live",
];
const ALIASES = {
  browser: ["calls", "requests"],
  node: ["upsert", "track", "million", "flagcache"],
  size: ["bundle"],
};

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    duration: { type: "string" },
    runs: { type: "string" },
    concurrency: { type: "string" },
    json: { type: "string" },
    why: { type: "boolean", default: false },
    help: { type: "boolean", short: "h" },
  },
});
if (values.help) {
  process.stdout.write(
    `Usage: node run.mjs [--quick] [--only ${SECTIONS.join(",")}] [--duration <s>] [--runs <n>] [--concurrency <n,n>] [--json <file>] [--why]\n`,
  );
  process.exit(0);
}

const only = values.only
  ? new Set(values.only.split(",").flatMap((s) => ALIASES[s.trim()] ?? [s.trim()]))
  : new Set(SECTIONS);
for (const s of only) {
  if (!SECTIONS.includes(s)) {
    process.stderr.write(`unknown section "${s}"; sections: ${SECTIONS.join(", ")}\n`);
    process.exit(2);
  }
}
const positive = (text, name) => {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!(n > 0) || n > 3600) {
    process.stderr.write(`--${name} must be a positive number (got "${text}")\n`);
    process.exit(2);
  }
  return n;
};
const quick = values.quick;
const runsOverride = positive(values.runs, "runs");
const config = {
  quick,
  importRuns: runsOverride ?? (quick ? 3 : 7),
  callRuns: runsOverride ?? (quick ? 1 : 5),
  callCount: 100_000,
  noDrop: !quick,
  upsertSeconds: positive(values.duration, "duration") ?? (quick ? 3 : 10),
  upsertWarmup: quick ? 1 : 2,
  upsertRounds: runsOverride ?? (quick ? 1 : 3),
  trackRuns: runsOverride ?? (quick ? 1 : 3),
  upsertConcurrency: (values.concurrency ?? (quick ? "32" : "32,256"))
    .split(",")
    .map((c) => positive(c.trim(), "concurrency")),
};

const log = (line) => process.stderr.write(`[bench] ${line}\n`);

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(BENCH_DIR, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}
function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: BENCH_DIR, timeout: 5_000 })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}
const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadAvg: os.loadavg().map((x) => Math.round(x * 100) / 100),
});

const started = new Date();
const results = {
  date: started.toISOString(),
  commit: gitCommit(),
  config,
  sections: [...only],
  machine: machine(),
  versions: Object.fromEntries(
    [
      "@schematic-sdk/browser",
      "@schematic-sdk/react",
      "@schematic-sdk/node",
      "@schematichq/schematic-js",
      "@schematichq/schematic-react",
      "@schematichq/schematic-typescript-node",
      "esbuild",
    ].map((p) => [p, version(p)]),
  ),
};

async function step(name, fn) {
  log(`${name}…`);
  const t0 = performance.now();
  try {
    return await fn();
  } catch (error) {
    log(`${name} failed: ${error?.stack ?? error}`);
    return { error: String(error?.message ?? error) };
  } finally {
    log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

if (only.has("bundle")) results.bundle = await step("bundle", () => bundleSection());
if (only.has("bundle") && values.why) results.bundleWhy = await step("bundle --why", () => bundleWhy());
if (only.has("import"))
  results.import = await step("import", () => importSection({ runs: config.importRuns }));
if (only.has("calls"))
  results.calls = await step("calls", () =>
    callsSection({ runs: config.callRuns, count: config.callCount, noDrop: config.noDrop, log }),
  );
if (only.has("requests")) results.requests = await step("requests", () => requestsSection({ log }));
if (["upsert", "track", "million", "flagcache"].some((s) => only.has(s)))
  results.node = await step("node", () =>
    nodeSection({
      upsert: only.has("upsert"),
      track: only.has("track"),
      million: only.has("million"),
      flagcache: only.has("flagcache"),
      seconds: config.upsertSeconds,
      warmup: config.upsertWarmup,
      rounds: config.upsertRounds,
      concurrency: config.upsertConcurrency,
      trackRuns: config.trackRuns,
      log,
    }),
  );

if (only.has("entitlements"))
  results.entitlements = await step("entitlements", () => entitlementSection({ log }));

if (only.has("live"))
  results.live = await step("live", () => liveSection({ changes: quick ? 30 : 100, log }));

results.loadAvgAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);
results.seconds = Math.round((Date.now() - started.getTime()) / 100) / 10;
let rows = [];
try {
  rows = [...buildRows(results), ...liveRows(results.live)];
} catch (error) {
  log(`could not build the table: ${error?.stack ?? error}`);
}
results.rows = rows.map(({ cells, ...r }) => r);
const out = values.json ?? join(BENCH_DIR, "results.json");
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);

const m = results.machine;
process.stdout.write(
  `${markdown(rows)}\n\n` +
    (results.bundleWhy && !results.bundleWhy.error ? `${whyMarkdown(results.bundleWhy)}\n\n` : "") +
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGB} GB, ${m.os}, Node ${m.node}; ` +
    `load ${m.loadAvg.join("/")} → ${results.loadAvgAfter.join("/")}; ${results.seconds} s` +
    `${quick ? "; --quick" : ""}. Raw figures: ${out}\n`,
);
