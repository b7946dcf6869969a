// React consumers (18 and 19): the app in fixtures/react server-rendered by
// react-dom/server and hydrated in Chromium against the packed emulator; on
// React 19 also Vite's tree-shaking of an app that imports only `Schematic`.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, recordElement } from "./browser.mjs";
import { check, versions, withEmulator } from "./consumers.mjs";
import { installConsumer, must, startServer } from "./harness.mjs";

const GATED = "#gated";
const api = (url, path) =>
  fetch(`${url}${path}`, { headers: { "x-schematic-api-key": "sch_consumer" } }).then((r) => r.json());

export async function reactChecks(ctx, major) {
  const consumer = `react${major}`;
  const react = major === 18 ? versions.react18 : versions.react19;
  const dir = join(ctx.scratch, consumer);
  await installConsumer({
    fixture: join(ctx.here, "fixtures/react"),
    dir,
    name: `consumer-${consumer}`,
    sdk: ["@schematic-sdk/react", "@schematic-sdk/browser"],
    dependencies: { react, "react-dom": react, vite: versions.vite },
    tarballs: ctx.tarballs,
    npmCache: ctx.npmCache,
  });
  const vite = join(dir, "node_modules/vite/bin/vite.js");

  await check(ctx, { consumer, name: "vite build (client)", version: versions.vite }, async () => {
    const { output } = await must(process.execPath, [vite, "build"], { cwd: dir, env: { NO_COLOR: "1" } });
    if (/MODULE_LEVEL_DIRECTIVE|"use client"/.test(output)) {
      return {
        output: 'Vite notes the "use client" banner (kept for React Server Components; see the React README)',
      };
    }
  });

  await check(ctx, { consumer, name: "SSR + hydration in Chromium", version: react }, () =>
    withEmulator(ctx, async (emulator) => {
      const server = await startServer({
        command: process.execPath,
        args: ["server.mjs"],
        cwd: dir,
        env: { SCHEMATIC_API_URL: emulator.url },
      });
      const browser = await launchChromium();
      try {
        const html = await (await fetch(server.url)).text();
        const rendered = /<p id="gated">([^<]*)<\/p>/.exec(html)?.[1];
        if (rendered !== "gated: on")
          throw new Error(
            `the server rendered ${rendered ?? "no gated element"}, not the bootstrapped "gated: on"`,
          );
        const before = await api(emulator.url, "/stats");
        if (before.data.requests !== 0)
          throw new Error(`server rendering sent ${before.data.requests} requests`);

        const page = await browser.newPage();
        const recorder = await recordElement(page, GATED);
        await page.goto(server.url);
        await page.waitForFunction(() => window.__hydrated === true, null, { timeout: 10_000 });
        // One identify, even under StrictMode's double effects, then the flag answered for that context.
        let identifies = [];
        const deadline = Date.now() + 10_000;
        while (identifies.length === 0 && Date.now() < deadline) {
          identifies = (await api(emulator.url, "/events?type=identify")).data;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await page.waitForLoadState("networkidle");
        await new Promise((resolve) => setTimeout(resolve, 300));
        identifies = (await api(emulator.url, "/events?type=identify")).data;
        const errors = [...(await page.evaluate(() => window.__errors)), ...recorder.consoleErrors];
        const history = await recorder.history();
        const problems = [
          identifies.length !== 1 && `${identifies.length} identify events arrived, not 1`,
          errors.length > 0 && `hydration reported: ${errors.join(" | ")}`,
          JSON.stringify(history) !== JSON.stringify(["gated: on"]) &&
            `the gated element showed ${JSON.stringify(history)}, not only "gated: on"`,
        ].filter(Boolean);
        if (problems.length) throw new Error(problems.join("\n"));
        return {
          output: `server HTML, hydration and the API agree ("gated: on"), one identify, no hydration error`,
        };
      } finally {
        await browser.close();
        await server.stop();
      }
    }),
  );

  if (major === 19) await treeShaking(ctx, { consumer, dir, vite });
}

/** Markers of code that must not be in a browser-only bundle. */
const foreign = [
  ["React", /react\.(transitional\.)?element|__CLIENT_INTERNALS_DO_NOT_USE|useSyncExternalStore/],
  ["Node", /["'`]node:|getBuiltinModule|require\(["'](https?|net|fs)["']\)/],
];

async function treeShaking(ctx, { consumer, dir, vite }) {
  const entries = [
    ["only-browser", "import { Schematic } from browser", undefined],
    ["only-schematic-from-react", "import { Schematic } from react", undefined],
  ];
  for (const [entry, name, expectedFailure] of entries) {
    await check(
      ctx,
      { consumer, name: `tree-shaking: ${name}`, version: versions.vite, expectedFailure },
      async () => {
        await must(process.execPath, [vite, "build", "--config", "vite.treeshake.config.mjs"], {
          cwd: dir,
          env: { NO_COLOR: "1", TREESHAKE_ENTRY: entry },
        });
        const out = join(dir, "dist-treeshake", entry);
        const code = readdirSync(out)
          .filter((file) => file.endsWith(".js"))
          .map((file) => readFileSync(join(out, file), "utf8"))
          .join("\n");
        if (!code.includes("api_consumer")) throw new Error("the bundle does not contain the app");
        const found = foreign.filter(([, marker]) => marker.test(code)).map(([what]) => what);
        if (found.length)
          throw new Error(`the bundle holds ${found.join(" and ")} code (${code.length} bytes)`);
        return { output: `${(code.length / 1024).toFixed(1)} KiB minified, no React or Node code` };
      },
    );
  }
}
