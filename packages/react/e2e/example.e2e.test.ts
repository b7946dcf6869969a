/**
 * The built React example in real Chromium against the emulator over HTTP:
 * log in, the company appears in the emulator, the flag-gated part shows.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import type { Browser } from "playwright-core";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../e2e-support/chromium";

const exampleRoot = fileURLToPath(new URL("../../../examples/react", import.meta.url));

let emulator: RunningEmulator;
let site: Server;
let siteUrl: string;
let browser: Browser;
let outDir: string;

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css" };

beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    host: "127.0.0.1",
    flags: { flags: { "new-dashboard": { default: false, companies: { "id:acme-e2e": true } } } },
  });
  outDir = mkdtempSync(join(tmpdir(), "schematic-react-example-"));
  process.env.VITE_SCHEMATIC_API_URL = emulator.url;
  process.env.VITE_SCHEMATIC_PUBLISHABLE_KEY = "api_e2e_test";
  await build({ root: exampleRoot, logLevel: "error", build: { outDir, emptyOutDir: true } });
  site = createServer((req, res) => {
    const path = join(outDir, req.url === "/" ? "index.html" : (req.url ?? "").split("?")[0]!);
    if (!path.startsWith(outDir) || !existsSync(path)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    res.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await emulator?.close();
  delete process.env.VITE_SCHEMATIC_API_URL;
  delete process.env.VITE_SCHEMATIC_PUBLISHABLE_KEY;
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

describe("examples/react in Chromium", () => {
  it("logs in, creates the company in the emulator and shows the flag-gated dashboard", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(siteUrl);
    await page.getByTestId("old-dashboard").waitFor();
    await page.fill("input[name=user]", "ann-e2e");
    await page.fill("input[name=company]", "acme-e2e");
    await page.fill("input[name=companyName]", "Acme E2E");
    await page.click("button[type=submit]");
    await page.getByTestId("signed-in").waitFor();
    await page.getByTestId("new-dashboard").waitFor({ timeout: 10_000 });

    await expect
      .poll(() => emulator.emulator.store.findCompany({ id: "acme-e2e" })?.name, { timeout: 10_000 })
      .toBe("Acme E2E");
    expect(emulator.emulator.store.findUser({ id: "ann-e2e" })).toBeDefined();
    await expect.poll(() => page.getByTestId("queue").textContent()).toContain("1 delivered");
    // StrictMode in the example: still exactly one identify event.
    expect(emulator.emulator.store.events({ type: "identify" })).toHaveLength(1);
    expect(errors).toEqual([]);
    await page.close();
  });
});
