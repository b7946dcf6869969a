import { EventEmitter } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliIo, parseCliArgs, runCli } from "../src/runCli";
import { SECRET } from "./helpers";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "schematic-emulator-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  let onStart: (url: string) => void = () => {};
  const started = new Promise<string>((resolve) => {
    onStart = resolve;
  });
  const cliIo: CliIo = {
    stdout: (line) => out.push(line),
    stderr: (line) => err.push(line),
    signals: signals as unknown as CliIo["signals"],
    onStart: (url) => onStart(url),
  };
  return { cliIo, out, err, signals, started };
}

describe("parseCliArgs", () => {
  it("has the documented defaults and options", () => {
    expect(parseCliArgs([])).toEqual({ port: 8787, host: "127.0.0.1" });
    expect(
      parseCliArgs([
        "--port",
        "0",
        "--data",
        "d.json",
        "--flags",
        "f.json",
        "--fail-rate",
        "0.2",
        "--latency",
        "100",
        "--rate-limit",
        "50",
      ]),
    ).toEqual({
      port: 0,
      host: "127.0.0.1",
      dataFile: "d.json",
      flags: "f.json",
      failRate: 0.2,
      latency: 100,
      rateLimit: 50,
    });
    expect(parseCliArgs(["--help"])).toBeUndefined();
  });

  it.each([["--port", "x"], ["--fail-rate", "1.5"], ["--latency", "-3"], ["--rate-limit", "0"], ["--bogus"]])(
    "refuses %s %s",
    (...argv) => {
      expect(() => parseCliArgs(argv)).toThrow();
    },
  );
});

describe("runCli", () => {
  it("prints its URL, serves, and on SIGTERM stops and writes the data file", async () => {
    const file = join(dir, "data.json");
    const { cliIo, out, signals, started } = io();
    const done = runCli(["--port", "0", "--data", file, "--fail-rate", "0"], cliIo);
    const url = await started;
    expect(out[0]).toBe(`Schematic emulator listening on ${url}`);
    const res = await fetch(`${url}/companies`, {
      method: "POST",
      headers: { "x-schematic-api-key": SECRET },
      body: JSON.stringify({ keys: { id: "c_1" } }),
    });
    expect(res.status).toBe(200);
    signals.emit("SIGTERM");
    expect(await done).toBe(0);
    expect(out.at(-1)).toBe("Stopped.");
    const saved = JSON.parse(await readFile(file, "utf8"));
    expect(saved.companies[0].keys[0].value).toBe("c_1");
    await expect(fetch(`${url}/stats`)).rejects.toThrow();
  });

  it("exits 1 with a message for a corrupt data file, and 2 for bad arguments", async () => {
    const file = join(dir, "corrupt.json");
    await writeFile(file, "[oops");
    const corrupt = io();
    expect(await runCli(["--port", "0", "--data", file], corrupt.cliIo)).toBe(1);
    expect(corrupt.err.join("\n")).toMatch(/corrupt/);
    expect(await readFile(file, "utf8")).toBe("[oops");
    const bad = io();
    expect(await runCli(["--fail-rate", "2"], bad.cliIo)).toBe(2);
    expect(bad.err.join("\n")).toMatch(/--fail-rate must be between 0 and 1/);
    const help = io();
    expect(await runCli(["-h"], help.cliIo)).toBe(0);
    expect(help.out.join("\n")).toMatch(/--rate-limit/);
  });
});
