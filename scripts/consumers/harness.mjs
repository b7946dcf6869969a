// What every consumer check needs: running a command with its output kept for
// the report, installing a consumer project from the packed tarballs with one
// npm cache, and an emulator (the packed CLI) on a free port.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { tail } from "../lib/terminal.mjs";

export { bold, color, dim, green, red, tail, yellow } from "../lib/terminal.mjs";

/**
 * Runs a command to the end and resolves with its exit code and combined
 * output; never rejects. `timeoutMs` ends its whole process group.
 */
export function run(command, args, { cwd, env, timeoutMs = 300_000, input } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...env },
      detached: true,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk) => {
      output += chunk;
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    if (input !== undefined) child.stdin.end(input);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, timeoutMs);
    child.on("error", (error) => {
      output += `\n${error.message}`;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) output += `\n(stopped after ${timeoutMs / 1000} s)`;
      resolve({ code: timedOut ? -1 : (code ?? -1), output, ms: Date.now() - started });
    });
  });
}

/** A command that must succeed: rejects with its output's tail otherwise. */
export async function must(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}\n${tail(result.output)}`);
  }
  return result;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Copies a fixture into the scratch directory and installs it with npm: the
 * SDK packages from their tarballs (every one of them also pinned through
 * `overrides`, since the packed packages name each other by version and are
 * not on the registry), third-party packages at the exact versions given.
 */
export async function installConsumer({
  fixture,
  dir,
  name,
  sdk,
  dependencies,
  tarballs,
  npmCache,
  base = {},
}) {
  mkdirSync(dir, { recursive: true });
  // A fixture's own build output and installs stay behind.
  const copied = (path) => !/[/\\](node_modules|\.next|dist)$/.test(path);
  if (fixture) cpSync(fixture, dir, { recursive: true, filter: copied });
  const file = (pkg) => `file:${tarballs[pkg]}`;
  const pinned = Object.fromEntries(Object.keys(tarballs).map((pkg) => [pkg, file(pkg)]));
  const manifest = {
    type: "module",
    ...base,
    name,
    private: true,
    version: "0.0.0",
    dependencies: {
      ...base.dependencies,
      ...Object.fromEntries(sdk.map((pkg) => [pkg, file(pkg)])),
      ...dependencies,
    },
    overrides: pinned,
  };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return must(
    "npm",
    ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error", "--cache", npmCache],
    { cwd: dir, timeoutMs: 600_000 },
  );
}

/**
 * Starts a server process and resolves once it prints the URL it listens on
 * (the first `http://…` after "listening on" / "Local:", or `ready`'s first
 * group). `stop()` ends its process group.
 */
export function startServer({
  command,
  args,
  cwd,
  env,
  ready = /(?:listening on|Local:)\s+(http:\/\/\S+)/,
  timeoutMs = 30_000,
}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", resolve);
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        resolve();
      }
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(
        new Error(`${command} ${args.join(" ")} did not start in ${timeoutMs / 1000} s\n${tail(output)}`),
      );
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const url = ready.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url: url.replace(/\/$/, ""), output: () => output, stop });
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(" ")} exited (code ${code})\n${tail(output)}`));
    });
  });
}

/** The packed emulator CLI on a free port with the given flags file. */
export async function startEmulator({ cli, flags, node = process.execPath }) {
  const port = await freePort();
  return startServer({
    command: node,
    args: [cli, "--port", String(port), "--host", "127.0.0.1", "--flags", flags],
  });
}

export const exists = existsSync;
