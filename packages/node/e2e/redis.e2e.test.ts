/**
 * A fleet sharing flag answers through a real redis-server: separate
 * processes (the built package), the emulator over real HTTP, and Redis
 * killed in the middle of a run.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const REDIS = "/usr/bin/redis-server";
const CHILD = fileURLToPath(new URL("./flag-child.mjs", import.meta.url));
const hasRedis = existsSync(REDIS);
if (!hasRedis) console.warn(`redis e2e skipped: ${REDIS} is not installed (apt-get install redis-server)`);

let emulator: RunningEmulator;
let redis: ChildProcess | undefined;
let redisUrl = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

async function startRedis(): Promise<void> {
  const port = await freePort();
  const child = spawn(
    REDIS,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  redis = child;
  redisUrl = `redis://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("redis-server did not start in 10 s")), 10_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
}

function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** Runs the child; resolves with its JSON lines; `onLine` sees each as it comes. */
function runChild(args: string[], onLine: (line: Record<string, unknown>) => void = () => {}) {
  return new Promise<Record<string, unknown>[]>((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, emulator.url, redisUrl, ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = "";
    let rest = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`child timed out: ${stderr}`));
    }, 30_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d;
    });
    child.stdout.on("data", (d: Buffer) => {
      rest += d;
      for (let at = rest.indexOf("\n"); at >= 0; at = rest.indexOf("\n")) {
        const line = JSON.parse(rest.slice(0, at)) as Record<string, unknown>;
        rest = rest.slice(at + 1);
        lines.push(line);
        onLine(line);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(lines);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
}

const flagChecks = () =>
  emulator.emulator.store.requests().filter((r) => r.path.startsWith("/flags/")).length;

describe.skipIf(!hasRedis)("a flag cache shared through Redis", () => {
  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      host: "127.0.0.1",
      flags: { flags: { beta: { default: false, companies: { "id:acme": true }, traits: [] } } },
    });
  });
  afterEach(() => stopRedis());
  afterAll(() => emulator?.close());

  it("what one process asked, another answers without a request, the whole check intact", async () => {
    await startRedis();
    const [first] = await runChild(["once", "acme"]);
    expect(first).toMatchObject({ flag: "beta", value: true });
    expect(flagChecks()).toBe(1);
    const [second] = await runChild(["once", "acme"]);
    expect(flagChecks()).toBe(1);
    const { warnings: _w1, ...a } = first!;
    const { warnings: _w2, ...b } = second!;
    expect(b).toEqual(a);
    expect(second!.warnings).toEqual([]);
  });

  it("with Redis killed mid-run, every answer still comes, and the outage is logged once", async () => {
    await startRedis();
    const before = flagChecks();
    let killed = false;
    const lines = await runChild(["loop", "30"], (line) => {
      if (line.i === 10 && !killed) {
        killed = true;
        void stopRedis();
      }
    });
    const answers = lines.filter((l) => "i" in l);
    expect(answers.map((l) => l.i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // Every loop company is a new context: each was asked of the API, before and after the outage.
    expect(flagChecks() - before).toBe(30);
    const warnings = lines.at(-1)!.warnings as string[];
    expect(warnings.filter((w) => w.includes("flag cache failed"))).toHaveLength(1);
  });
});
