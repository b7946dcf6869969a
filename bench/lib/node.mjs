/**
 * Node client figures against the emulator over real HTTP. The emulator runs
 * in its own child process and each measurement in another (node-worker.mjs),
 * so the server, the measured client and this orchestrator never share an
 * event loop. The emulator is reset before every measurement.
 */
import { startEmulatorChild } from "./emulator.mjs";
import { median, runWorker } from "./util.mjs";

const SIDES = ["ours", "theirs"];

export async function nodeSection({
  upsert = true,
  track = true,
  seconds,
  warmup,
  rounds,
  concurrency = [32],
  trackCount = 100_000,
  trackRuns,
  million = false,
  flagcache = false,
  log = () => {},
}) {
  const emulator = await startEmulatorChild();
  const out = {};

  /** `upsertCompany` throughput at `lanes` concurrent loops, both clients, alternating who goes first. */
  async function upsertRound(lanes) {
    const samples = { ours: [], theirs: [] };
    const errors = {};
    for (let r = 0; r < rounds; r++) {
      // Alternate who goes first, so drift on a shared machine hits both alike.
      for (const side of r % 2 ? [...SIDES].reverse() : SIDES) {
        if (errors[side]) continue;
        log(`upsertCompany ×${lanes}: ${side} round ${r + 1}/${rounds} (${warmup} s warm-up + ${seconds} s)`);
        await emulator.reset();
        const res = await runWorker(
          "node-worker.mjs",
          ["upsert", side, emulator.url, seconds, lanes, warmup],
          {
            timeoutMs: (seconds + warmup + 60) * 1000,
          },
        );
        if (res.error) errors[side] = res.error;
        else samples[side].push(res);
      }
    }
    const result = { seconds, warmup, rounds, concurrency: lanes };
    for (const side of SIDES) {
      const s = samples[side];
      result[side] =
        s.length === 0
          ? { error: errors[side] ?? "no run" }
          : {
              perSecond: median(s.map((x) => x.perSecond)),
              p50: median(s.map((x) => x.p50)),
              p99: median(s.map((x) => x.p99)),
              cpuUsPerCall: median(s.map((x) => x.cpuUsPerCall)),
              rssMB: median(s.map((x) => x.rssMB)),
              errors: s.reduce((n, x) => n + x.errors, 0),
              firstError: s.find((x) => x.firstError)?.firstError,
              perRound: s.map((x) => Math.round(x.perSecond)),
              runs: s.length,
            };
    }
    return result;
  }

  try {
    if (upsert) {
      out.upserts = [];
      for (const lanes of concurrency) out.upserts.push(await upsertRound(lanes));
      out.upsert = out.upserts[0];
    }
    if (track) {
      out.track = { count: trackCount, runs: trackRuns };
      // Ours with its defaults: maxQueueSize (100,000) holds the whole burst.
      // oursFetch: ours with Node's fetch as its `fetch` option instead of node:http.
      const variants = [
        ["ours", "ours", []],
        ["oursFetch", "ours", ["0", "fetch"]],
        ["theirs", "theirs", []],
      ];
      for (const [name, side, extra] of variants) {
        const s = [];
        let error;
        for (let r = 0; r < trackRuns && !error; r++) {
          log(`node track: ${name} run ${r + 1}/${trackRuns}`);
          await emulator.reset();
          const res = await runWorker(
            "node-worker.mjs",
            ["track", side, emulator.url, trackCount, ...extra],
            {
              nodeArgs: ["--expose-gc"],
              timeoutMs: 300_000,
            },
          );
          if (res.error) {
            error = res.error;
            break;
          }
          const stats = await emulator.stats();
          s.push({
            ...res,
            requests: stats.requests,
            eventsReceived: stats.eventsReceived,
            statuses: stats.statuses,
          });
        }
        out.track[name] =
          s.length === 0
            ? { error: error ?? "no run" }
            : {
                requests: median(s.map((x) => x.requests)),
                eventsReceived: median(s.map((x) => x.eventsReceived)),
                rssGrowthMB: median(s.map((x) => x.rssGrowthMB)),
                usPerCall: median(s.map((x) => x.usPerCall)),
                deliverMs: median(s.map((x) => x.deliverMs)),
                statuses: s[s.length - 1].statuses,
                runs: s.length,
              };
      }
    }
    if (million) {
      // One synchronous burst of 1,000,000 track calls, default options: delivered, lost, time, peak memory.
      out.million = { count: 1_000_000 };
      for (const side of SIDES) {
        log(`node million: ${side}`);
        await emulator.reset();
        const res = await runWorker("node-worker.mjs", ["track", side, emulator.url, 1_000_000], {
          nodeArgs: ["--expose-gc"],
          timeoutMs: 300_000,
        });
        if (res.error) {
          out.million[side] = { error: res.error };
          continue;
        }
        const stats = await emulator.stats();
        out.million[side] = { ...res, requests: stats.requests, eventsReceived: stats.eventsReceived };
      }
    }
    if (flagcache) {
      // Cached checkFlag: one answer fetched, then hits awaited one by one.
      out.flagcache = { runs: rounds };
      const samples = { ours: [], theirs: [] };
      for (let r = 0; r < rounds; r++) {
        for (const side of r % 2 ? [...SIDES].reverse() : SIDES) {
          log(`node cached checkFlag: ${side} round ${r + 1}/${rounds}`);
          const res = await runWorker("node-worker.mjs", ["flagcache", side, emulator.url, 2_000_000], {
            timeoutMs: 120_000,
          });
          if (!res.error) samples[side].push(res.nsPerCall);
        }
      }
      for (const side of SIDES)
        out.flagcache[side] = { nsPerCall: median(samples[side]), perRound: samples[side] };
    }
  } finally {
    await emulator.close();
  }
  return out;
}
