#!/usr/bin/env node
// `pnpm emulator [options]`: the emulator CLI from this repository, built
// first if it is not yet (one line, not the build's output), serving
// examples/flags.json and examples/catalog.json unless `--flags` or `--catalog` is given. Options go to the CLI
// (`pnpm emulator --help`). Ctrl-C stops it and exits 0.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bold, quietBuild } from "./lib/terminal.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "packages/emulator/dist/cli.js");
const say = (line) => console.log(`${bold("[emulator]")} ${line}`);

const args = process.argv.slice(2);
if (!existsSync(cli)) {
  say("building the emulator…");
  if (!quietBuild({ root, filters: ["@schematic-sdk/emulator..."], say })) process.exit(1);
}
const given = (name) => args.some((arg) => arg === name || arg.startsWith(`${name}=`));
if (!given("--help") && !given("-h") && !given("--flags") && !given("--catalog")) {
  args.push("--flags", join(root, "examples/flags.json"), "--catalog", join(root, "examples/catalog.json"));
}

const child = spawn(process.execPath, [cli, ...args], { stdio: "inherit" });
// Ctrl-C reaches the CLI too (same terminal); stopping is then the expected end, not a failure.
let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });
}
child.on("exit", (code, signal) => process.exit(stopping || signal ? 0 : (code ?? 1)));
