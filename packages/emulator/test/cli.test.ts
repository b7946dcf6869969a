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

describe("request lines", () => {
  async function run(args: string[], isTTY = false) {
    const t = io();
    t.cliIo.isTTY = isTTY;
    const done = runCli(["--port", "0", ...args], t.cliIo);
    const url = await t.started;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "x-schematic-api-key": SECRET },
        body: JSON.stringify(body),
      });
    const stop = () => {
      t.signals.emit("SIGINT");
      return done;
    };
    return { ...t, url, post, stop };
  }
  const lines = (out: string[]) => out.filter((line) => /^(GET|POST|PUT|DELETE|OPTIONS) /.test(line));

  it("prints one line per request: method, path, status, milliseconds and the fault that fired", async () => {
    const cli = await run(["--fail-rate", "1"]);
    await cli.post("/companies", { keys: { id: "c" } });
    await fetch(`${cli.url}/stats?x=1`);
    expect(await cli.stop()).toBe(0);
    const printed = lines(cli.out);
    expect(printed[0]).toMatch(/^POST \/companies 503 \d+\.\d ms \[fault: fail\]$/);
    expect(printed[1]).toMatch(/^GET \/stats\?x=1 200 \d+\.\d ms$/);
    expect(printed.join("\n")).not.toContain("\x1b[");
  });

  it("colours the status only on a terminal", async () => {
    const cli = await run([], true);
    await cli.post("/companies", {});
    await cli.stop();
    expect(lines(cli.out)[0]?.startsWith("POST /companies \x1b[33m400\x1b[0m")).toBe(true);
  });

  it("--quiet prints none; --catalog is loaded and summarised", async () => {
    const file = join(dir, "catalog.json");
    await writeFile(file, await readFile(new URL("../../../examples/catalog.json", import.meta.url), "utf8"));
    const cli = await run(["--quiet", "--catalog", file]);
    await cli.post("/companies", { keys: { id: "c" } });
    await cli.stop();
    expect(lines(cli.out)).toEqual([]);
    expect(cli.out.join("\n")).toContain(`catalog:   3 features, 2 plans from ${file}`);
  });

  it("--catalog: a changed file is loaded again and said so; a broken one is refused and the old catalog stays", async () => {
    const file = join(dir, "reloaded-catalog.json");
    const catalog = JSON.parse(
      await readFile(new URL("../../../examples/catalog.json", import.meta.url), "utf8"),
    );
    await writeFile(file, JSON.stringify(catalog));
    const cli = await run(["--quiet", "--catalog", file]);
    const features = async () =>
      Object.keys((await (await fetch(`${cli.url}/catalog`)).json()).data.features);
    await writeFile(
      file,
      JSON.stringify({ ...catalog, features: { ...catalog.features, sso: { type: "boolean" } } }),
    );
    await expect.poll(features, { timeout: 3000 }).toContain("sso");
    await expect
      .poll(() => cli.out.join("\n"))
      .toContain(`catalog:   reloaded 4 features, 2 plans from ${file}`);
    await writeFile(file, '{"features": {"x": {"type": "nope"}}, "plans": {}}');
    await expect
      .poll(() => cli.err.join("\n"), { timeout: 3000 })
      .toContain(`kept the previous catalog: ${file}: Invalid catalog: features.x.type`);
    expect(await features()).toContain("sso");
    await cli.stop();
  });
});
