/**
 * The `live` section: a change at the emulator (an admin plan change) → a
 * connected React component re-rendered with the new value, in real
 * Chromium. The emulator runs in its own process (lib/emulator.mjs); each
 * SDK's page is bundled by esbuild (react and react-dom included,
 * production build) and opened in its own browser context, on its own
 * company. The changes alternate between the two pages, so both see the same
 * machine load: each page puts its company on the other plan through
 * `PUT /admin/companies/id:<company>/plan` and times, with `performance.now()`,
 * from just before that request to the layout effect of the component that
 * shows the flag the plan turns on or off. Our provider runs with
 * `options: { live: true }`; the official provider forces its WebSocket.
 */
import { createServer } from "node:http";
import { build } from "esbuild";
import { launchChromium } from "../../e2e-support/chromium.mjs";
import { startEmulatorChild } from "./emulator.mjs";
import { row } from "./table.mjs";
import { BENCH_DIR, quantile, within } from "./util.mjs";

const SECRET = "sch_dev_bench_live";
const KEY = "api_pub_bench_live";
const CATALOG = {
  features: { exports: { type: "boolean" } },
  plans: { free: { name: "Free" }, pro: { name: "Pro", entitlements: { exports: true } } },
  defaultPlan: "free",
};

/** What both pages share: the component, the timing of one change, and the page's report. */
const HARNESS = `
import { createElement as h, useLayoutEffect } from "react";
import { createRoot } from "react-dom/client";
const q = new URLSearchParams(location.search);
const emulator = q.get("emulator"), company = q.get("company");
let waiting;
export function Shown({ value }) {
  useLayoutEffect(() => {
    window.__value = value;
    if (waiting && waiting.value === value) { waiting.resolve(performance.now()); waiting = undefined; }
  }, [value]);
  return h("output", null, value ? "on" : "off");
}
/** Puts the company on the plan that gives \`value\`; resolves with the milliseconds until it is shown. */
window.change = (value, timeoutMs) => new Promise((resolve, reject) => {
  const timer = setTimeout(() => { waiting = undefined; reject(new Error("not shown within " + timeoutMs + " ms")); }, timeoutMs);
  const started = performance.now();
  waiting = { value, resolve: (at) => { clearTimeout(timer); resolve(at - started); } };
  fetch(emulator + "/admin/companies/id:" + company + "/plan", {
    method: "PUT",
    headers: { "content-type": "application/json", "x-schematic-api-key": ${JSON.stringify(SECRET)} },
    body: JSON.stringify({ plan: value ? "pro" : "free" }),
  }).catch(reject);
});
export const mount = (app) => createRoot(document.getElementById("root")).render(app);
export const context = { emulator, company };
`;

const PAGES = {
  ours: `${HARNESS}
import { SchematicProvider, useSchematicFlag } from "@schematic-sdk/react";
function Feature() { return h(Shown, { value: useSchematicFlag("exports", { fallback: false }) }); }
mount(h(SchematicProvider, {
  publishableKey: ${JSON.stringify(KEY)},
  options: { apiUrl: emulator, eventUrl: emulator, live: true },
  identify: { keys: { id: "u-" + company }, company: { keys: { id: company } } },
}, h(Feature)));`,
  theirs: `${HARNESS}
import { useEffect } from "react";
import { SchematicProvider, useSchematicEvents, useSchematicFlag } from "@schematichq/schematic-react";
function Feature() {
  const { identify } = useSchematicEvents();
  useEffect(() => { identify({ keys: { id: "u-" + company }, company: { keys: { id: company } } }); }, []);
  return h(Shown, { value: useSchematicFlag("exports", { fallback: false }) });
}
mount(h(SchematicProvider, {
  publishableKey: ${JSON.stringify(KEY)}, apiUrl: emulator, eventUrl: emulator, webSocketUrl: emulator.replace("http", "ws"),
}, h(Feature)));`,
};

async function bundle(source) {
  const result = await build({
    stdin: { contents: source, resolveDir: BENCH_DIR, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "error",
    define: { "process.env.NODE_ENV": '"production"' },
    tsconfigRaw: {},
  });
  return result.outputFiles[0].text;
}

/** Serves each side's page and bundle from 127.0.0.1 (a loopback origin, so the emulator answers it). */
async function servePages(bundles) {
  const server = createServer((req, res) => {
    const side = /^\/(ours|theirs)\.js/.exec(req.url ?? "")?.[1];
    if (side) {
      res.writeHead(200, { "content-type": "text/javascript" });
      return res.end(bundles[side]);
    }
    const page = /^\/(ours|theirs)\.html/.exec(req.url ?? "")?.[1];
    res.writeHead(page ? 200 : 404, { "content-type": "text/html" });
    res.end(
      page
        ? `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><div id="root"></div><script type="module" src="/${page}.js"></script>`
        : "",
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), max: sorted.at(-1) };
};

/** `changes` plan changes per side, alternating sides; p50/p95 of change → re-render. */
export async function liveSection({ changes = 100, warmup = 5, log = () => {} } = {}) {
  const emulator = await startEmulatorChild({ options: { catalog: CATALOG } });
  const bundles = { ours: await bundle(PAGES.ours), theirs: await bundle(PAGES.theirs) };
  const pages = await servePages(bundles);
  const browser = await launchChromium();
  const out = { changes, warmup };
  try {
    const sides = {};
    for (const side of ["ours", "theirs"]) {
      const company = `bench-live-${side}`;
      await fetch(`${emulator.url}/companies`, {
        method: "POST",
        headers: { "x-schematic-api-key": SECRET },
        body: JSON.stringify({ keys: { id: company } }),
      });
      const page = await (await browser.newContext()).newPage();
      const errors = [];
      page.on("pageerror", (error) => errors.push(error.message));
      await page.goto(
        `${pages.url}/${side}.html?emulator=${encodeURIComponent(emulator.url)}&company=${company}`,
      );
      // Ready once the first answer (Free: off) is shown.
      await within(
        page.waitForFunction(() => window.__value === false),
        15_000,
        `${side}: first answer`,
      );
      sides[side] = { page, errors, times: [], failures: 0, value: false };
    }
    for (let i = 0; i < warmup + changes; i++) {
      for (const side of i % 2 ? ["theirs", "ours"] : ["ours", "theirs"]) {
        const s = sides[side];
        s.value = !s.value;
        try {
          const ms = await s.page.evaluate((value) => window.change(value, 3000), s.value);
          if (i >= warmup) s.times.push(ms);
        } catch (error) {
          s.failures++;
          s.lastError = String(error?.message ?? error).slice(0, 120);
          // Resync: wait for whatever the page shows to settle before the next change.
          s.value = await s.page.evaluate(() => window.__value);
        }
      }
      if ((i + 1) % 25 === 0) log(`live: ${i + 1}/${warmup + changes} changes per side`);
    }
    for (const [side, s] of Object.entries(sides)) {
      out[side] = {
        ...summary(s.times),
        measured: s.times.length,
        failures: s.failures,
        ...(s.lastError && { lastError: s.lastError }),
        ...(s.errors.length > 0 && { pageErrors: s.errors.slice(0, 3) }),
        ...(s.times.length === 0 && { error: s.lastError ?? "no change was shown" }),
      };
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => pages.server.close(resolve));
    await emulator.close();
  }
  return out;
}

/** The budget of DESIGN.md: a change shown within 100 ms (p95). */
const LIVE_BUDGET = { text: "≤ 100 ms", pass: (v) => v <= 100 };

/** The section's rows for the table. */
export function liveRows(live) {
  if (!live) return [];
  const o = live.ours ?? {};
  const t = live.theirs ?? {};
  const note = `${o.measured ?? 0}/${t.measured ?? 0} changes shown, ${o.failures ?? 0}/${t.failures ?? 0} not within 3 s; admin plan change → React re-render, Chromium`;
  return [
    row("live: plan change → re-render, p50", o.p50 ?? o.error ?? live.error, t.p50 ?? t.error, {
      digits: 1,
      unit: " ms",
      note,
    }),
    row("live: plan change → re-render, p95", o.p95 ?? o.error ?? live.error, t.p95 ?? t.error, {
      digits: 1,
      unit: " ms",
      budget: LIVE_BUDGET,
    }),
  ];
}
