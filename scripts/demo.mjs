#!/usr/bin/env node
// `pnpm demo`: build the packages, start the emulator on 127.0.0.1:8787 with
// examples/catalog.json (plans, entitlements, usage) and examples/flags.json, run the Node example against it, serve the React
// example on 127.0.0.1:5173 and the `<script>` example on 127.0.0.1:5174,
// print where to look. Ctrl-C stops everything.
// Examples that do not exist (yet) are skipped.
//
//   node scripts/demo.mjs          run until Ctrl-C
//   node scripts/demo.mjs --check  start everything, check it answers, stop (exit 0 = all good)
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveBrowserExample } from "./lib/browser-example.mjs";
import { bold, quietBuild, red, yellow } from "./lib/terminal.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const EMULATOR_URL = "http://127.0.0.1:8787";
const REACT_URL = "http://127.0.0.1:5173";
const BROWSER_PORT = 5174;
const BROWSER_URL = `http://127.0.0.1:${BROWSER_PORT}`;
const CLI = join(root, "packages/emulator/dist/cli.js");
const FLAGS = join(root, "examples/flags.json");
const CATALOG = join(root, "examples/catalog.json");
const hasExample = (name) => existsSync(join(root, "examples", name, "package.json"));

// Keys and URLs for the examples, under the names each toolchain reads.
const env = {
  ...process.env,
  SCHEMATIC_API_URL: EMULATOR_URL,
  SCHEMATIC_EVENT_URL: EMULATOR_URL,
  SCHEMATIC_API_KEY: process.env.SCHEMATIC_API_KEY ?? "sch_dev_demo",
  VITE_SCHEMATIC_API_URL: EMULATOR_URL,
  VITE_SCHEMATIC_EVENT_URL: EMULATOR_URL,
  VITE_SCHEMATIC_PUBLISHABLE_KEY: process.env.VITE_SCHEMATIC_PUBLISHABLE_KEY ?? "api_demo",
};

const say = (line) => console.log(`${bold("[demo]")} ${line}`);
const children = new Set();

/** Starts a long-running child in its own process group, so stopping it stops what it started too. */
function start(name, command, args, options = {}) {
  const child = spawn(command, args, {
    cwd: options.cwd ?? root,
    env,
    detached: true,
    stdio: options.stdio ?? "inherit",
  });
  children.add(child);
  child.on("exit", () => children.delete(child));
  child.name = name;
  return child;
}

/** In-process servers to close on stop. */
const stoppers = [];

function stopAll() {
  const waits = stoppers.splice(0).map((stop) => stop());
  for (const child of children) {
    waits.push(new Promise((resolve) => child.once("exit", resolve)));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  }
  const force = setTimeout(() => {
    for (const child of children) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
  }, 5000);
  return Promise.all(waits).finally(() => clearTimeout(force));
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  return false;
}

function build() {
  say("building the packages…");
  if (quietBuild({ root, filters: ["./packages/*"], say })) return;
  say(yellow("trying the emulator alone (the examples may not work)"));
  if (!quietBuild({ root, filters: ["@schematic-sdk/emulator..."], say }) || !existsSync(CLI)) {
    throw new Error("the emulator did not build");
  }
}

function startEmulator() {
  return new Promise((resolve, reject) => {
    const child = start(
      "emulator",
      process.execPath,
      [CLI, "--port", "8787", "--host", "127.0.0.1", "--flags", FLAGS, "--catalog", CATALOG],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      out += chunk;
      if (out.includes("listening on")) resolve(child);
    });
    child.on("exit", (code) => {
      if (!stopping) reject(new Error(`the emulator exited (code ${code}); is port 8787 in use?`));
    });
  });
}

function runNodeExample() {
  say(`running examples/node against ${EMULATOR_URL}…`);
  return new Promise((resolve) => {
    const child = start("node example", process.execPath, ["signup.mjs"], {
      cwd: join(root, "examples/node"),
    });
    child.on("exit", (code) => resolve(code === 0));
  });
}

async function main() {
  build();
  await startEmulator();
  let ok = true;
  if (hasExample("node")) {
    const passed = await runNodeExample();
    if (!passed) say(yellow("the Node example failed (see above)"));
    ok &&= passed;
  } else say("examples/node is not there yet: skipped");

  let react = false;
  if (hasExample("react")) {
    // Vite itself rather than `pnpm dev`, so stopping it is not reported as a failed command.
    const vite = join(root, "examples/react/node_modules/vite/bin/vite.js");
    start(
      "react example",
      process.execPath,
      [vite, "--host", "127.0.0.1", "--port", "5173", "--strictPort"],
      {
        cwd: join(root, "examples/react"),
      },
    );
    react = await waitForHttp(REACT_URL, 60_000);
    if (!react) say(yellow("the React example did not come up on 5173 (see above)"));
    ok &&= react;
  } else say("examples/react is not there yet: skipped");

  const page = await serveBrowserExample({ root, port: BROWSER_PORT }).catch((error) => {
    say(yellow(`the <script> example cannot listen on ${BROWSER_PORT} (${error.code ?? error.message})`));
    return undefined;
  });
  if (page) stoppers.push(() => new Promise((resolve) => page.close(resolve)));
  ok &&= page !== undefined;

  console.log("");
  say(`emulator inspector: ${EMULATOR_URL}/`);
  if (react) say(`React example:      ${REACT_URL}/`);
  if (page) say(`<script> example:   ${BROWSER_URL}/`);
  if (check) {
    ok &&= await waitForHttp(`${EMULATOR_URL}/stats`, 5000);
    if (page) {
      const res = await fetch(`${BROWSER_URL}/packages/browser/dist/schematic.global.js`);
      if (!res.ok) say(yellow(`the <script> example's SDK answered ${res.status}`));
      ok &&= res.ok;
    }
    say(ok ? "check passed, stopping" : "check failed, stopping");
    await stopAll();
    process.exit(ok ? 0 : 1);
  }
  say("press Ctrl-C to stop");
}

let stopping = false;
async function stop(code, note = true) {
  if (stopping) return;
  stopping = true;
  if (note) {
    console.log("");
    say("stopping…");
  }
  await stopAll();
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => stop(0));
// Output piped into a program that ended (`pnpm demo | head`): stop what was started, quietly.
process.stdout.on("error", () => stop(0, false));

main().catch(async (error) => {
  say(red(error.message));
  await stopAll();
  process.exit(1);
});
