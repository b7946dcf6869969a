const { startEmulatorChild } = await import("./lib/emulator.mjs");
const { runWorker } = await import("./lib/util.mjs");
const em = await startEmulatorChild();
const [label, ...sides] = process.argv.slice(2);
for (const c of [32, 256])
  for (const side of sides) {
    await em.reset();
    const r = await runWorker("node-worker.mjs", ["upsert", side, em.url, 5, c, 1], { timeoutMs: 90000 });
    console.log(label, side, c, Math.round(r.perSecond), r.errors, r.firstError ?? "");
  }
await em.close();
