// Spawns the built CLI (`pnpm build` first): the real `schematic-emulator` binary, real signals.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET = "sch_dev_e2e";

let dir: string;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`pnpm --filter @schematic-sdk/emulator build\` first`);
  dir = await mkdtemp(join(tmpdir(), "schematic-emulator-e2e-"));
});
afterEach(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  children.clear();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", () => {
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    exited.then(() => reject(new Error(`exited before listening: ${stderr}`)));
  });
  url.catch(() => {}); // only awaited by tests that expect the server to start
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-schematic-api-key": SECRET },
    body: JSON.stringify(body),
  });

describe("schematic-emulator (built CLI)", () => {
  it("serves on 127.0.0.1, stops on SIGTERM with exit 0 and keeps --data across restarts", async () => {
    const file = join(dir, "data.json");
    const first = run(["--port", "0", "--data", file]);
    const url = await first.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(
      (await post(url, "/users", { keys: { id: "u_1" }, company: { id: "c_1" }, name: "Ann" })).status,
    ).toBe(200);
    first.child.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(JSON.parse(await readFile(file, "utf8")).users).toHaveLength(1);

    const second = run(["--port", "0", "--data", file]);
    const again = await second.url;
    const users = await (await fetch(`${again}/users`)).json();
    expect(users.data[0]).toMatchObject({ name: "Ann" });
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  });

  it("refuses a corrupt data file with exit 1 and leaves it alone", async () => {
    const file = join(dir, "corrupt.json");
    await writeFile(file, "{ nope");
    const child = run(["--port", "0", "--data", file]);
    expect(await child.exited).toBe(1);
    expect(child.output().stderr).toMatch(/corrupt/);
    expect(await readFile(file, "utf8")).toBe("{ nope");
  });

  it("injects faults at about the asked rate and honours --flags", async () => {
    const flags = join(dir, "flags.json");
    await writeFile(
      flags,
      JSON.stringify({ flags: { beta: { default: false, companies: { "id:c_1": true } } } }),
    );
    const server = run(["--port", "0", "--fail-rate", "0.25", "--flags", flags]);
    const url = await server.url;
    const statuses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        post(url, "/companies", { keys: { id: `c${i}` } }).then((r) => r.status),
      ),
    );
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(50);
    expect(failed).toBeLessThan(150);
    const stats = await (await fetch(`${url}/stats`)).json();
    expect(stats.data.faults.failed).toBe(failed);
    expect(stats.data.companies).toBe(400 - failed);
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  });
});
