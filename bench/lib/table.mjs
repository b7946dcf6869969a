/**
 * Turns the sections' results into rows and a markdown table. Budgets are the
 * ones in DESIGN.md ("Budgets"); a budget applies to our figure, or to the
 * ratio where it says "× the official SDK".
 */
import { fmt, ratio } from "./util.mjs";

/** The budgets table of DESIGN.md, as checks. */
export const BUDGETS = {
  browserBundle: { text: "≤ 7,500 B", pass: (v) => v <= 7500 },
  reactBundle: { text: "≤ 9,000 B", pass: (v) => v <= 9000 },
  reactLiveBundle: { text: "≤ 9,500 B", pass: (v) => v <= 9500 },
  importMs: { text: "≤ 30 ms", pass: (v) => v <= 30 },
  importMB: { text: "≤ 10 MB", pass: (v) => v <= 10 },
  callUs: { text: "≤ 3 µs", pass: (v) => v <= 3 },
  writesPerTick: { text: "≤ 1", pass: (v) => v <= 1 },
  trackRequests: { text: "≤ 1,000", pass: (v) => v <= 1000 },
  trackRssMB: { text: "≤ 50 MB", pass: (v) => v <= 50 },
  upsertRatio: { text: "≥ 1.2 × official", pass: (_v, r) => r >= 1.2 },
  entitlementCheckMs: { text: "≤ 1 ms", pass: (v) => v <= 1 },
  millionLost: { text: "0", pass: (v) => v === 0 },
  millionMs: { text: "≤ 10 s", pass: (v) => v <= 10_000 },
  millionMB: { text: "≤ 200 MB", pass: (v) => v <= 200 },
  flagHitNs: { text: "≤ 1,000 ns", pass: (v) => v <= 1000 },
};

/** A worker's error, short: a missing build says so. */
const short = (error) =>
  /Cannot find module|ERR_MODULE_NOT_FOUND/.test(error)
    ? "not built (dist missing): run `pnpm build`"
    : error.slice(0, 80);

const num = (x) => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

export function row(figure, ours, theirs, { digits = 0, unit = "", budget, note, ratioDigits = 2 } = {}) {
  const o = num(ours);
  const t = num(theirs);
  const r = ratio(o, t);
  let mark = "";
  if (budget) {
    const needsRatio = budget === BUDGETS.upsertRatio;
    if (o === undefined || (needsRatio && r === undefined)) mark = "n/a";
    else mark = budget.pass(o, r) ? "✅" : "❌";
  }
  return {
    figure,
    unit,
    ours: o,
    theirs: t,
    ratio: r,
    budget: budget?.text,
    pass: mark === "✅" ? true : mark === "❌" ? false : undefined,
    cells: [
      figure,
      ours === undefined ? "n/a" : typeof ours === "string" ? ours : `${fmt(o, digits)}${unit}`,
      theirs === undefined ? "—" : typeof theirs === "string" ? theirs : `${fmt(t, digits)}${unit}`,
      r === undefined ? "" : `${fmt(r, ratioDigits)}×`,
      budget?.text ?? "",
      mark,
      note ?? "",
    ],
  };
}

export function buildRows(results) {
  const rows = [];
  const b = results.bundle;
  if (b) {
    const add = (key, figure, budget) => {
      const e = b[key];
      rows.push(
        row(`${figure}, min+gzip`, e.ours.gzipBytes ?? e.ours.error, e.theirs.gzipBytes ?? e.theirs.error, {
          unit: " B",
          budget,
          note: `minified ${fmt(e.ours.minBytes)} / ${fmt(e.theirs.minBytes)} B`,
        }),
      );
    };
    add("browser", "bundle: browser `new Schematic().identify()`", BUDGETS.browserBundle);
    add("react", "bundle: react provider + hooks (react external)", BUDGETS.reactBundle);
    add(
      "reactLive",
      "bundle: react provider + hooks with `live` on, live code included",
      BUDGETS.reactLiveBundle,
    );
    add("app", "bundle: app with browser + react", undefined);
  }
  const imp = results.import;
  if (imp) {
    for (const mode of ["require", "import"]) {
      const o = imp.ours?.[mode] ?? {};
      const t = imp.theirs?.[mode] ?? {};
      const note = o.error ? `ours: ${short(o.error)}` : `median of ${imp.runs}, minus bare node`;
      rows.push(
        row(`node \`${mode}\` cost: wall time`, o.ms, t.ms, {
          digits: 1,
          unit: " ms",
          budget: BUDGETS.importMs,
          note,
        }),
      );
      rows.push(
        row(`node \`${mode}\` cost: RSS`, o.rssMB, t.rssMB, {
          digits: 1,
          unit: " MB",
          budget: BUDGETS.importMB,
        }),
      );
    }
  }
  const c = results.calls;
  if (c) {
    const o = c.ours ?? {};
    const t = c.theirs ?? {};
    const n = fmt(c.count);
    const note = `median of ${o.runs ?? 0}/${t.runs ?? 0} runs`;
    rows.push(
      row(`browser: ${n} identify, per call`, o.identifyUs, t.identifyUs, {
        digits: 2,
        unit: " µs",
        budget: BUDGETS.callUs,
        note,
      }),
    );
    rows.push(
      row(`browser: ${n} track, per call`, o.trackUs, t.trackUs, {
        digits: 2,
        unit: " µs",
        budget: BUDGETS.callUs,
        note,
      }),
    );
    if (o.getFlagCheckNs !== undefined)
      rows.push(
        row("browser: getFlagCheck of a known check, per call", o.getFlagCheckNs, undefined, {
          digits: 1,
          unit: " ns",
          note: "ours only, 1,000,000 reads",
        }),
      );
    rows.push(
      row("browser: storage writes per call", o.writesPerCall, t.writesPerCall, {
        digits: 5,
        ratioDigits: 1,
      }),
    );
    rows.push(
      row("browser: most storage writes in one task", o.maxWritesPerTask, t.maxWritesPerTask, {
        budget: BUDGETS.writesPerTick,
        note: "a timer callback or loop turn with the microtasks it set off, worst run",
      }),
    );
    rows.push(
      row(
        "browser: most storage writes in one Node event-loop turn",
        o.maxWritesPerTick,
        t.maxWritesPerTick,
        {
          note: "Node runs every due timer in one turn; a browser runs each as a task",
        },
      ),
    );
    rows.push(
      row(`browser: heap growth after ${fmt(2 * c.count)} calls`, o.heapGrowthMB, t.heapGrowthMB, {
        digits: 1,
        unit: " MB",
      }),
    );
    if (c.oursNoDrop) {
      const d = c.oursNoDrop;
      rows.push(
        row(
          `browser: ${fmt(d.count)} identify, per call, maxQueueSize ${fmt(d.maxQueueSize)}`,
          d.identifyUs ?? d.error,
          undefined,
          {
            digits: 2,
            unit: " µs",
            note: `ours only, one run, nothing dropped; track ${fmt(d.trackUs, 2)} µs`,
          },
        ),
      );
    }
  }
  const q = results.requests;
  if (q) {
    const d = q.dedupe;
    rows.push(
      row(
        `requests: ${fmt(d.count)} identical identify`,
        d.ours?.requests ?? d.ours?.error,
        d.theirs?.requests ?? d.theirs?.error,
        {
          ratioDigits: 3,
        },
      ),
    );
    const bt = q.batch;
    rows.push(
      row(
        `requests: ${fmt(bt.count)} track (ours \`transport: "batch"\`)`,
        bt.ours?.requests ?? bt.ours?.error,
        bt.theirs?.requests ?? bt.theirs?.error,
        {
          ratioDigits: 3,
          note: `events delivered ${fmt(bt.ours?.events)} / ${fmt(bt.theirs?.events)}`,
        },
      ),
    );
  }
  for (const u of results.node?.upserts ?? (results.node?.upsert ? [results.node.upsert] : [])) {
    const o = u.ours ?? {};
    const t = u.theirs ?? {};
    const note = o.error
      ? `ours: ${short(o.error)}`
      : `median of ${u.rounds} × ${u.seconds} s; errors ${fmt(o.errors)} / ${fmt(t.errors)} (goal ≥ 4×)`;
    rows.push(
      row(`node upsertCompany, concurrency ${u.concurrency}: throughput`, o.perSecond, t.perSecond, {
        unit: " /s",
        budget: BUDGETS.upsertRatio,
        note,
      }),
    );
    rows.push(
      row(`node upsertCompany ×${u.concurrency}: p50 latency`, o.p50, t.p50, { digits: 2, unit: " ms" }),
    );
    rows.push(
      row(`node upsertCompany ×${u.concurrency}: p99 latency`, o.p99, t.p99, { digits: 2, unit: " ms" }),
    );
  }
  const tr = results.node?.track;
  if (tr) {
    const o = tr.ours ?? {};
    const t = tr.theirs ?? {};
    const n = fmt(tr.count);
    const note = o.error
      ? `ours: ${short(o.error)}`
      : `events received ${fmt(o.eventsReceived)} / ${fmt(t.eventsReceived)}`;
    rows.push(
      row(`node: ${n} track, requests`, o.requests, t.requests, { budget: BUDGETS.trackRequests, note }),
    );
    rows.push(
      row(`node: ${n} track, RSS growth`, o.rssGrowthMB, t.rssGrowthMB, {
        digits: 1,
        unit: " MB",
        budget: BUDGETS.trackRssMB,
      }),
    );
    const f = tr.oursFetch;
    if (f) {
      rows.push(
        row(`node: ${n} track, RSS growth, ours through Node's fetch`, f.rssGrowthMB, t.rssGrowthMB, {
          digits: 1,
          unit: " MB",
          note: f.error
            ? `ours: ${short(f.error)}`
            : "the `fetch` option set to Node's fetch (the default is node:http)",
        }),
      );
    }
    rows.push(row(`node: ${n} track, per call`, o.usPerCall, t.usPerCall, { digits: 2, unit: " µs" }));
  }
  const ent = results.entitlements;
  if (ent) {
    const note = ent.error
      ? `ours: ${short(ent.error)}`
      : `over HTTP; ${fmt(ent.events)} events stored; p99 ${fmt(ent.p99, 2)} ms`;
    rows.push(
      row("emulator: metered flag check after 100,000 events, p50", ent.p50, undefined, {
        digits: 2,
        unit: " ms",
        budget: BUDGETS.entitlementCheckMs,
        note,
      }),
    );
  }
  const m = results.node?.million;
  if (m) {
    const o = m.ours ?? {};
    const t = m.theirs ?? {};
    const lost = (x) => (typeof x.eventsReceived === "number" ? m.count - x.eventsReceived : undefined);
    const note = o.error
      ? `ours: ${short(o.error)}`
      : `one synchronous burst, default options; requests ${fmt(o.requests)} / ${fmt(t.requests)}`;
    rows.push(
      row("node: 1,000,000 track, events lost", lost(o), lost(t), { budget: BUDGETS.millionLost, note }),
    );
    rows.push(
      row("node: 1,000,000 track, all received after", o.deliverMs, t.deliverMs, {
        unit: " ms",
        budget: BUDGETS.millionMs,
      }),
    );
    rows.push(
      row("node: 1,000,000 track, peak RSS growth", o.rssGrowthMB, t.rssGrowthMB, {
        digits: 1,
        unit: " MB",
        budget: BUDGETS.millionMB,
      }),
    );
  }
  const fc = results.node?.flagcache;
  if (fc) {
    rows.push(
      row("node: cached checkFlag, per call", fc.ours?.nsPerCall, fc.theirs?.nsPerCall, {
        unit: " ns",
        budget: BUDGETS.flagHitNs,
        note: `median of ${fc.runs}; 2,000,000 awaited hits of one answer (goal ≤ 200 ns)`,
      }),
    );
  }
  return rows;
}

export function markdown(rows) {
  const head = ["figure", "ours", "official", "ours/official", "budget", "", "notes"];
  const lines = [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i > 0 && i < 4 ? "---:" : "---")).join("|")}|`,
  ];
  for (const r of rows) lines.push(`| ${r.cells.map((c) => String(c).replaceAll("|", "\\|")).join(" | ")} |`);
  return lines.join("\n");
}
