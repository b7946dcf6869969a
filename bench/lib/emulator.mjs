/**
 * The emulator in its own child process (its CPU must not share the measured
 * client's event loop), on 127.0.0.1 and a free port. The child prints its URL
 * and stops when its stdin closes, so it never outlives the bench.
 *
 *   node lib/emulator.mjs --child     (what the parent spawns)
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { BENCH_DIR } from "./util.mjs";

if (process.argv[2] === "--child") {
  const { startEmulator } = await import("@schematic-sdk/emulator");
  const server = await startEmulator({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`${server.url}\n`);
  const stop = () => server.close().finally(() => process.exit(0));
  process.stdin.on("end", stop);
  process.stdin.resume();
  process.once("SIGTERM", stop);
}

/** Starts the emulator child; resolves to `{ url, stats(), reset(), close() }`. */
export function startEmulatorChild({ timeoutMs = 15_000 } = {}) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--child"], {
    cwd: BENCH_DIR,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`emulator did not start within ${timeoutMs} ms ${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited (${code}) ${stderr.slice(0, 300)}`));
    });
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      const url = line.trim();
      if (!url.startsWith("http://127.0.0.1:")) {
        child.kill("SIGKILL");
        return reject(new Error(`unexpected emulator output: ${line}`));
      }
      const call = async (method, path) => {
        const res = await fetch(`${url}${path}`, { method, signal: AbortSignal.timeout(10_000) });
        return (await res.json()).data;
      };
      resolve({
        url,
        pid: child.pid,
        stats: () => call("GET", "/stats"),
        reset: () => call("POST", "/reset"),
        close: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
            child.once("exit", () => {
              clearTimeout(kill);
              done();
            });
            child.stdin.end();
          }),
      });
    });
  });
}
