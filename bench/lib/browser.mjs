/**
 * Browser client figures, each measured in fresh child processes
 * (browser-worker.mjs) so one run's heap and JIT state never leak into the next:
 * per-call cost of identify/track bursts, and requests sent for duplicate
 * identifies and batched tracks.
 */
import { median, runWorker } from "./util.mjs";

const SIDES = ["ours", "theirs"];

/** `runs` alternating runs of 100,000 identify then 100,000 track calls per client. */
export async function callsSection({
  runs,
  count,
  windowMs = 250,
  noDrop = true,
  noDropCount = 20_000,
  log = () => {},
}) {
  const samples = { ours: [], theirs: [] };
  const errors = {};
  for (let r = 0; r < runs; r++) {
    for (const side of r % 2 ? [...SIDES].reverse() : SIDES) {
      if (errors[side]) continue;
      log(`browser calls: ${side} run ${r + 1}/${runs}`);
      const res = await runWorker("browser-worker.mjs", ["calls", side, count, windowMs], {
        nodeArgs: ["--expose-gc"],
        timeoutMs: 180_000,
      });
      if (res.error) errors[side] = res.error;
      else samples[side].push(res);
    }
  }
  const out = { count, runs, windowMs };
  for (const side of SIDES) {
    const s = samples[side];
    if (s.length === 0) {
      out[side] = { error: errors[side] ?? "no run" };
      continue;
    }
    const pick = (f) => median(s.map(f));
    out[side] = {
      identifyUs: pick((x) => x.identify.usPerCall),
      trackUs: pick((x) => x.track.usPerCall),
      // Ours only: a sync read of a known check (the budget is 50 ns).
      getFlagCheckNs: s[0].getFlagCheck ? pick((x) => x.getFlagCheck.nsPerCall) : undefined,
      writesPerCall: pick((x) => (x.identify.writes + x.track.writes) / (2 * count)),
      // Worst case over runs: the budget is a ceiling, not a typical value.
      maxWritesPerTick: Math.max(
        ...s.map((x) => Math.max(x.identify.maxWritesPerTick, x.track.maxWritesPerTick)),
      ),
      maxWritesPerTask: Math.max(
        ...s.map((x) => Math.max(x.identify.maxWritesPerTask, x.track.maxWritesPerTask)),
      ),
      busiestTick: s[0].identify.busiestTick,
      heapGrowthMB: pick((x) => x.heapGrowthMB),
      queue: s[s.length - 1].queue,
      runs: s.length,
      error: errors[side],
    };
  }
  if (noDrop && !errors.ours) {
    // Diagnostic, ours only, one run: a queue big enough that nothing is dropped. Fewer calls, because
    // the cost of a call grows with the queue's length (a 100,000-call run takes minutes).
    const size = 2 * noDropCount + 10;
    log(`browser calls: ours, ${noDropCount} calls with maxQueueSize ${size} (one run)`);
    const res = await runWorker("browser-worker.mjs", ["calls", "ours", noDropCount, windowMs, size], {
      nodeArgs: ["--expose-gc"],
      timeoutMs: 300_000,
    });
    out.oursNoDrop = res.error
      ? { error: res.error }
      : {
          count: noDropCount,
          maxQueueSize: size,
          identifyUs: res.identify.usPerCall,
          trackUs: res.track.usPerCall,
          heapGrowthMB: res.heapGrowthMB,
        };
  }
  return out;
}

/** Requests sent: `dedupe` identical identify calls, and `batch` track calls (ours with `transport: "batch"`). */
export async function requestsSection({ dedupe = 1000, batch = 10_000, log = () => {} }) {
  const out = { dedupe: { count: dedupe }, batch: { count: batch } };
  for (const side of SIDES) {
    log(`requests: ${side}`);
    out.dedupe[side] = await runWorker("browser-worker.mjs", ["dedupe", side, dedupe], { timeoutMs: 60_000 });
    out.batch[side] = await runWorker("browser-worker.mjs", ["batch", side, batch], { timeoutMs: 120_000 });
  }
  return out;
}
