// The consumer projects of the matrix, in the order they run. Each installs
// once (from the tarballs, one npm cache) and then runs its checks; a check
// is one row of the summary.
import { join } from "node:path";
import { serveBrowserExample } from "../lib/browser-example.mjs";
import { launchChromium } from "./browser.mjs";
import { installConsumer, must, run, startEmulator, tail } from "./harness.mjs";
import { nextChecks } from "./next.mjs";
import { reactChecks } from "./react.mjs";
import { typeScriptChecks } from "./typescript.mjs";
import { workerChecks } from "./worker.mjs";

/** Third-party versions, pinned; the runtimes come from the npm packages that ship their binaries. */
export const versions = Object.freeze({
  node22: "22.23.3",
  bun: "1.4.5",
  deno: "2.9.6",
  typescript: "5.9.3",
  typesNode: "20.19.43",
  react18: "18.3.1",
  typesReact18: "18.3.32",
  typesReactDom18: "18.3.7",
  react19: "19.3.1",
  typesReact19: "19.3.3",
  typesReactDom19: "19.3.0",
  vite: "8.3.8",
  miniflare: "4.20260730.0",
  esbuild: "0.28.2",
  next: "16.4.6",
});

/**
 * Runs one check and records its row. `expectedFailure` (a message saying
 * what is wrong and what fixes it) marks a check known to fail today: its
 * failure keeps the run green and is printed with the message; its passing is
 * reported so the mark can go.
 */
export async function check(ctx, { consumer, name, version = "", expectedFailure }, fn) {
  const started = Date.now();
  let status = expectedFailure ? "xpass" : "pass";
  let detail = expectedFailure ? `    ${expectedFailure}: passes now; remove its expected-failure mark` : "";
  try {
    const result = await fn();
    // A command's last line (its own "ok …") goes under the row.
    if (!detail && result?.output) detail = `    ${result.output.trim().split("\n").at(-1)}`;
  } catch (error) {
    // An assertion's message says it all; anything else keeps its stack.
    const message = tail(
      error?.name === "Error" || error?.code === "ERR_ASSERTION"
        ? error.message
        : (error?.stack ?? String(error)),
      30,
    );
    status = expectedFailure ? "xfail" : "fail";
    detail = expectedFailure ? `    TODO: ${expectedFailure}\n${message}` : message;
  }
  ctx.record({ consumer, check: name, version, status, ms: Date.now() - started, detail });
}

/** Runs `fn(emulator)` against a fresh emulator from the packed CLI, stopped afterwards. */
export async function withEmulator(ctx, fn, { flags = join(ctx.here, "flags.json") } = {}) {
  const emulator = await startEmulator({ cli: ctx.tools.emulatorCli, flags });
  try {
    return await fn(emulator);
  } catch (error) {
    error.message += `\n  emulator log:\n${tail(emulator.output(), 15)}`;
    throw error;
  } finally {
    await emulator.stop();
  }
}

const fixture = (ctx, name) => join(ctx.here, "fixtures", name);
const version = async (binary, args = ["--version"], options = {}) =>
  /\d+\.\d+\.\d+/.exec((await must(binary, args, options)).output)?.[0] ?? "?";

export const consumers = [
  {
    name: "tarballs",
    about:
      "what npm would publish: a LICENSE, a README and the metadata that links back here, in every package",
    needed: () => true,
    async run(ctx) {
      for (const [pkg, tarball] of Object.entries(ctx.tarballs)) {
        await check(ctx, { consumer: "tarballs", name: pkg }, async () => {
          const files = (await must("tar", ["-tzf", tarball])).output.split("\n");
          const manifest = JSON.parse((await must("tar", ["-xzOf", tarball, "package/package.json"])).output);
          const missing = [
            ...["package/LICENSE", "package/README.md", "package/dist/index.js"].filter(
              (f) => !files.includes(f),
            ),
            ...["license", "repository", "homepage", "bugs"]
              .filter((field) => !manifest[field])
              .map((f) => `"${f}"`),
            ...Object.entries(manifest.dependencies ?? {})
              .filter(([, spec]) => spec.startsWith("workspace:"))
              .map(([name]) => `a published version of ${name}`),
          ];
          if (missing.length) throw new Error(`${tarball} lacks ${missing.join(", ")}`);
          return { output: `${files.filter(Boolean).length} files, ${manifest.license}` };
        });
      }
    },
  },
  {
    name: "emulator",
    about:
      "the CLI as `npx -p @schematic-sdk/emulator schematic-emulator` runs it; every check below talks to it",
    needed: (only) => !(only.size === 1 && only.has("ts")),
    async run(ctx) {
      const dir = join(ctx.scratch, "emulator");
      await installConsumer({
        dir,
        name: "consumer-emulator",
        sdk: ["@schematic-sdk/emulator"],
        tarballs: ctx.tarballs,
        npmCache: ctx.npmCache,
      });
      ctx.tools.emulatorCli = join(dir, "node_modules/@schematic-sdk/emulator/dist/cli.js");
      await check(
        ctx,
        { consumer: "emulator", name: "CLI serves the API", version: process.versions.node },
        () =>
          withEmulator(ctx, async (emulator) => {
            const res = await fetch(`${emulator.url}/flags/consumer-flag/check`, {
              method: "POST",
              headers: { "content-type": "application/json", "x-schematic-api-key": "api_consumer" },
              body: JSON.stringify({ company: { id: "acme" } }),
            });
            const body = await res.json();
            if (body?.data?.value !== true) throw new Error(`flag check answered ${JSON.stringify(body)}`);
          }),
      );
    },
  },
  {
    name: "runtimes",
    about: `Node ${versions.node22}, Bun ${versions.bun}, Deno ${versions.deno} from their npm packages`,
    needed: (only) => only.has("node") || only.has("node22-unit"),
    async run(ctx) {
      const dir = join(ctx.scratch, "runtimes");
      await installConsumer({
        dir,
        name: "consumer-runtimes",
        sdk: [],
        dependencies: { node: versions.node22, bun: versions.bun, deno: versions.deno },
        tarballs: {},
        npmCache: ctx.npmCache,
      });
      const bin = join(dir, "node_modules/.bin");
      ctx.tools.node22 = join(bin, "node");
      ctx.tools.node22Bin = join(dir, "node_modules/node/bin");
      ctx.tools.bun = join(bin, "bun");
      ctx.tools.deno = join(bin, "deno");
    },
  },
  {
    name: "node",
    about: "the Node client, ESM and CJS, on Node 20, Node 22, Bun and Deno against the packed emulator",
    async run(ctx) {
      const dir = join(ctx.scratch, "node");
      await installConsumer({
        fixture: fixture(ctx, "node"),
        dir,
        name: "consumer-node",
        sdk: ["@schematic-sdk/node"],
        tarballs: ctx.tarballs,
        npmCache: ctx.npmCache,
      });
      const { node22, bun, deno } = ctx.tools;
      const runtimes = [
        ["Node ESM", process.execPath, ["smoke.mjs"]],
        ["Node CJS", process.execPath, ["smoke.cjs"]],
        ["Node 22 ESM", node22, ["smoke.mjs"]],
        ["Node 22 CJS", node22, ["smoke.cjs"]],
        ["Bun ESM", bun, ["smoke.mjs"]],
        ["Bun CJS", bun, ["smoke.cjs"]],
        ["Deno ESM", deno, ["run", "--allow-all", "smoke.mjs"]],
      ];
      for (const [name, binary, args] of runtimes) {
        await check(ctx, { consumer: "node", name, version: await version(binary) }, () =>
          withEmulator(ctx, (emulator) =>
            must(binary, args, { cwd: dir, env: { SCHEMATIC_API_URL: emulator.url, NO_COLOR: "1" } }),
          ),
        );
      }
    },
  },
  {
    name: "node22-unit",
    about: "every package's unit tests (`pnpm test`) on Node 22",
    needed: () => false,
    async run(ctx) {
      const env = { PATH: `${ctx.tools.node22Bin}:${process.env.PATH}`, CI: "true", NO_COLOR: "1" };
      // The version pnpm and vitest will run on: the first `node` on that PATH.
      const used = await version("sh", ["-c", "node --version"], { env });
      await check(ctx, { consumer: "node22-unit", name: "pnpm test", version: used }, async () => {
        const result = await run("pnpm", ["test"], { cwd: ctx.root, env, timeoutMs: 600_000 });
        if (result.code !== 0 || !/Tests\s+\d+ passed/.test(result.output)) {
          throw new Error(`pnpm test on Node ${used} exited ${result.code}\n${tail(result.output)}`);
        }
      });
    },
  },
  {
    name: "ts",
    about: "TypeScript consumers: node16, nodenext, bundler; strict, exactOptionalPropertyTypes",
    run: typeScriptChecks,
  },
  {
    name: "react18",
    about: `React ${versions.react18}: server render, hydration in Chromium`,
    run: (ctx) => reactChecks(ctx, 18),
  },
  {
    name: "react19",
    about: `React ${versions.react19}: server render, hydration in Chromium; Vite ${versions.vite} tree-shaking`,
    run: (ctx) => reactChecks(ctx, 19),
  },
  {
    name: "script-tag",
    about: "examples/browser: the <script> build on a plain page, in Chromium",
    async run(ctx) {
      await check(ctx, { consumer: "script-tag", name: "examples/browser in Chromium" }, () =>
        withEmulator(ctx, async (emulator) => {
          const page = await serveBrowserExample({ root: ctx.root, port: 0 });
          const browser = await launchChromium();
          try {
            const tab = await browser.newPage();
            const url = `http://127.0.0.1:${page.address().port}/?emulator=${emulator.url}&user=ada&company=acme`;
            await tab.goto(url);
            await tab.waitForSelector("body[data-identify]", { timeout: 15_000 });
            const status = await tab.getAttribute("body", "data-identify");
            await tab.screenshot({ path: join(ctx.scratch, "examples-browser.png") });
            const companies = (await (await fetch(`${emulator.url}/companies`)).json()).data;
            if (
              status !== "delivered" ||
              !companies.some((company) => JSON.stringify(company).includes("acme"))
            ) {
              throw new Error(
                `identify ended "${status}" and the emulator holds ${JSON.stringify(companies)}`,
              );
            }
            return { output: "the page identified the user; the company reached the emulator" };
          } finally {
            await browser.close();
            await new Promise((resolve) => page.close(resolve));
          }
        }),
      );
    },
  },
  { name: "worker", about: `workerd through miniflare ${versions.miniflare}`, run: workerChecks },
  { name: "next", about: `examples/next on Next.js ${versions.next}, in Chromium`, run: nextChecks },
];
