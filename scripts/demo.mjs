#!/usr/bin/env node
// `pnpm demo`: build the packages, start the emulator on 127.0.0.1:8787 with
// examples/flags.json, run the Node example against it, serve the React
// example on 127.0.0.1:5173, print where to look. Ctrl-C stops everything.
// Examples that do not exist (yet) are skipped.
//
//   node scripts/demo.mjs          run until Ctrl-C
//   node scripts/demo.mjs --check  start everything, check it answers, stop (exit 0 = all good)
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const check = process.argv.includes("--check");
const EMULATOR_URL = "http://127.0.0.1:8787";
const REACT_URL = "http://127.0.0.1:5173";
const CLI = join(root, "packages/emulator/dist/cli.js");
const FLAGS = join(root, "examples/flags.json");
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

// Run pnpm the way we were started (`pnpm demo` sets npm_execpath), else from PATH.
const execPath = process.env.npm_execpath;
const pnpm = (args) =>
  execPath && /pnpm/.test(execPath) && /\.c?js$/.test(execPath)
    ? [process.execPath, [execPath, ...args]]
    : ["pnpm", args];

const say = (line) => console.log(`\x1b[1m[demo]\x1b[0m ${line}`);
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

function stopAll() {
  const waits = [];
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
  say("building packages…");
  const [cmd, args] = pnpm(["-r", "--filter", "./packages/*", "build"]);
  if (spawnSync(cmd, args, { cwd: root, stdio: "inherit", env }).status === 0) return;
  say("\x1b[33mnot every package built; trying the emulator alone (examples may not work)\x1b[0m");
  const [cmd2, args2] = pnpm(["--filter", "@schematic-sdk/emulator", "build"]);
  if (spawnSync(cmd2, args2, { cwd: root, stdio: "inherit", env }).status !== 0 || !existsSync(CLI)) {
    throw new Error("the emulator did not build");
  }
}

function startEmulator() {
  return new Promise((resolve, reject) => {
    const child = start(
      "emulator",
      process.execPath,
      [CLI, "--port", "8787", "--host", "127.0.0.1", "--flags", FLAGS],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      out += chunk;
      if (out.includes("listening on")) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`the emulator exited (code ${code}); is port 8787 in use?`)));
  });
}

function runNodeExample() {
  say(`running examples/node against ${EMULATOR_URL}…`);
  return new Promise((resolve) => {
    const [cmd, args] = pnpm(["--filter", "./examples/node", "start"]);
    const child = start("node example", cmd, args);
    child.on("exit", (code) => resolve(code === 0));
  });
}

async function main() {
  build();
  await startEmulator();
  let ok = true;
  if (hasExample("node")) {
    const passed = await runNodeExample();
    if (!passed) say("\x1b[33mthe Node example failed (see above)\x1b[0m");
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
    if (!react) say("\x1b[33mthe React example did not come up on 5173 (see above)\x1b[0m");
    ok &&= react;
  } else say("examples/react is not there yet: skipped");

  console.log("");
  say(`emulator inspector: ${EMULATOR_URL}/`);
  if (react) say(`React example:      ${REACT_URL}/`);
  if (check) {
    ok &&= await waitForHttp(`${EMULATOR_URL}/stats`, 5000);
    say(ok ? "check passed, stopping" : "check failed, stopping");
    await stopAll();
    process.exit(ok ? 0 : 1);
  }
  say("press Ctrl-C to stop");
}

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log("");
    say("stopping…");
    await stopAll();
    process.exit(0);
  });
}

main().catch(async (error) => {
  say(`\x1b[31m${error.message}\x1b[0m`);
  await stopAll();
  process.exit(1);
});
