// A worker on workerd (miniflare): both clients inside a fetch handler,
// talking to the packed emulator, with and without Node compatibility.
import { join } from "node:path";
import { check, versions, withEmulator } from "./consumers.mjs";
import { installConsumer, must } from "./harness.mjs";

export async function workerChecks(ctx) {
  const dir = join(ctx.scratch, "worker");
  await installConsumer({
    fixture: join(ctx.here, "fixtures/worker"),
    dir,
    name: "consumer-worker",
    sdk: ["@schematic-sdk/node", "@schematic-sdk/browser"],
    dependencies: { miniflare: versions.miniflare, esbuild: versions.esbuild },
    tarballs: ctx.tarballs,
    npmCache: ctx.npmCache,
  });
  for (const [name, args] of [
    ["workerd", []],
    ["workerd, nodejs_compat", ["--nodejs-compat"]],
  ]) {
    await check(ctx, { consumer: "worker", name, version: versions.miniflare }, () =>
      withEmulator(ctx, async (emulator) => {
        const { output } = await must(process.execPath, ["test.mjs", ...args], {
          cwd: dir,
          env: { SCHEMATIC_API_URL: emulator.url },
          timeoutMs: 60_000,
        });
        const answer = JSON.parse(output.trim().split("\n").at(-1));
        const expected = { company: "Acme", serverFlag: true, browserFlag: true, identify: "delivered" };
        if (JSON.stringify(answer) !== JSON.stringify(expected)) {
          throw new Error(
            `the worker answered ${JSON.stringify(answer)}, expected ${JSON.stringify(expected)}`,
          );
        }
        const events = await (await fetch(`${emulator.url}/events`)).json();
        const types = events.data.map((event) => event.type).sort();
        if (JSON.stringify(types) !== JSON.stringify(["identify", "track"])) {
          throw new Error(
            `the emulator received ${JSON.stringify(types)}, expected one identify and one track`,
          );
        }
        return { output: "upsert, track, flag checks from both clients, identify delivered, close" };
      }),
    );
  }
}
