// examples/next as a user gets it: installed from the tarballs (it is not a
// workspace member, so Next.js stays out of the Quick start's install), built
// with `next build` (Turbopack), started with `next start` against the packed
// emulator, and watched in Chromium from the first byte of HTML.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, recordElement } from "./browser.mjs";
import { check, versions, withEmulator } from "./consumers.mjs";
import { freePort, installConsumer, must, startServer } from "./harness.mjs";

const GATED = "#new-dashboard";
const ON = "The new dashboard is on";
const nextEnv = { NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1" };

export async function nextChecks(ctx) {
  const example = join(ctx.root, "examples/next");
  const dir = join(ctx.scratch, "next");
  await installConsumer({
    fixture: example,
    dir,
    name: "consumer-next",
    base: JSON.parse(readFileSync(join(example, "package.json"), "utf8")),
    sdk: ["@schematic-sdk/node", "@schematic-sdk/react"],
    tarballs: ctx.tarballs,
    npmCache: ctx.npmCache,
  });
  const next = join(dir, "node_modules/next/dist/bin/next");

  let built = false;
  await check(ctx, { consumer: "next", name: "next build (Turbopack)", version: versions.next }, async () => {
    await must(process.execPath, [next, "build"], { cwd: dir, env: nextEnv, timeoutMs: 600_000 });
    built = true;
  });
  if (!built) return;

  await withEmulator(
    ctx,
    async (emulator) => {
      const port = await freePort();
      const server = await startServer({
        command: process.execPath,
        args: [next, "start", "--port", String(port), "--hostname", "127.0.0.1"],
        cwd: dir,
        env: { ...nextEnv, SCHEMATIC_API_URL: emulator.url },
      });
      const browser = await launchChromium();
      try {
        const cases = [
          ["same context", "?company=demo-company&user=demo-user", undefined],
          ["identified context differs", "?company=demo-company&user=demo-user&bootstrap=company", undefined],
        ];
        for (const [name, query, expectedFailure] of cases) {
          await check(
            ctx,
            { consumer: "next", name: `no flash: ${name}`, version: versions.next, expectedFailure },
            () => noFlash({ browser, url: `http://127.0.0.1:${port}/${query}`, emulator, root: ctx.root }),
          );
        }
      } finally {
        await browser.close();
        await server.stop();
      }
    },
    { flags: join(ctx.root, "examples/flags.json") },
  );
}

/** Server HTML, hydration and every later render show one value for the gated element. */
async function noFlash({ browser, url, emulator, root }) {
  const html = await (await fetch(url)).text();
  const rendered = /<section id="new-dashboard"[^>]*>([^<]*)<\/section>/.exec(html)?.[1];
  if (rendered !== ON)
    throw new Error(`the server rendered ${JSON.stringify(rendered)}, not ${JSON.stringify(ON)}`);

  const before = (await (await fetch(`${emulator.url}/events?type=identify`)).json()).data.length;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const recorder = await recordElement(page, GATED);
    await page.goto(url);
    // Wait for the identify to arrive and for the flags it leads to be answered.
    const deadline = Date.now() + 15_000;
    let identifies = 0;
    while (identifies <= before && Date.now() < deadline) {
      identifies = (await (await fetch(`${emulator.url}/events?type=identify`)).json()).data.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.waitForLoadState("networkidle");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const history = await recorder.history();
    const final = await page.textContent(GATED);
    mkdirSync(join(root, ".e2e-screenshots"), { recursive: true });
    await page.screenshot({ path: join(root, ".e2e-screenshots/next-example.png") });
    const problems = [
      identifies <= before && "the browser never identified the user",
      recorder.consoleErrors.length > 0 && `the page logged: ${recorder.consoleErrors.join(" | ")}`,
      final !== ON && `the hydrated page shows ${JSON.stringify(final)}`,
      JSON.stringify(history) !== JSON.stringify([ON]) &&
        `the gated element showed ${JSON.stringify(history)}`,
    ].filter(Boolean);
    if (problems.length) throw new Error(problems.join("\n"));
    return { output: `server HTML, hydration and the identified user's answer all show "${ON}"` };
  } finally {
    await context.close();
  }
}
