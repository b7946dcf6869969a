/**
 * Hostile inputs against the built `schematic-emulator` binary (`pnpm build`
 * first), with the example catalog and a data file: bodies nested 100,000
 * levels deep, a foreign page, a reset without a key. Afterwards the
 * inspector, `GET /events`, entitlements and the data file all still work.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../packages/emulator/dist/cli.js", import.meta.url));
const CATALOG = fileURLToPath(new URL("../../examples/catalog.json", import.meta.url));
const SECRET = "sch_dev_hostile";
const PUBLISHABLE = "api_pub_hostile";

let dir: string;
beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`pnpm build\` first`);
  dir = await mkdtemp(join(tmpdir(), "schematic-hostile-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A request with any headers (Node's fetch lets a test set `Origin`). */
async function send(
  url: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    ...(body !== undefined && { body }),
  });
  return { status: res.status, text: await res.text() };
}

describe("hostile inputs: the emulator CLI", () => {
  it("refuses deep bodies, foreign origins and keyless resets, and keeps serving and saving", async () => {
    const file = join(dir, "data.json");
    const child = spawn(process.execPath, [CLI, "--port", "0", "--data", file, "--catalog", CATALOG], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", () => {
          const match = /listening on (http:\/\/\S+)/.exec(stdout);
          if (match?.[1]) resolve(match[1]);
        });
        exited.then(() => reject(new Error("the emulator exited before listening")));
      });
      const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
      for (const [path, body, key] of [
        [
          "/e",
          `{"api_key":"${PUBLISHABLE}","type":"track","body":{"event":"query"},"x":${deep}}`,
          PUBLISHABLE,
        ],
        ["/batch", `{"events":[{"type":"track","body":{"event":"query","x":${deep}}}]}`, SECRET],
        ["/flags/queries/check", `{"company":{"id":"acme"},"x":${deep}}`, PUBLISHABLE],
      ] as const) {
        const res = await send(url, "POST", path, body, { "x-schematic-api-key": key });
        expect(res.status, path).toBe(400);
      }

      const evil = { origin: "https://evil.example" };
      expect((await send(url, "GET", "/events", undefined, evil)).status).toBe(403);
      expect((await send(url, "POST", "/reset", "", evil)).status).toBe(403);
      expect((await send(url, "POST", "/reset", "")).status).toBe(401);

      for (let i = 0; i < 3; i++) {
        const track = {
          api_key: PUBLISHABLE,
          type: "track",
          body: { event: "query", company: { id: "acme" } },
        };
        expect((await send(url, "POST", "/e", JSON.stringify(track))).status).toBe(200);
      }
      const check = await send(url, "POST", "/flags/queries/check", '{"company":{"id":"acme"}}', {
        "x-schematic-api-key": PUBLISHABLE,
      });
      expect(JSON.parse(check.text).data).toMatchObject({
        value: false,
        reason: "3 of 3 queries used this month on Free",
      });
      expect((await send(url, "GET", "/")).status).toBe(200);
      const events = await send(url, "GET", "/events");
      expect(events.status).toBe(200);
      expect(events.text).not.toContain(PUBLISHABLE);
      expect(stdout).toMatch(/POST \/e 400 \d+\.\d ms/);

      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      const saved = JSON.parse(await readFile(file, "utf8"));
      expect(saved.events).toHaveLength(3);
      expect(saved.usage).toMatchObject([{ event: "query", total: 3 }]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
