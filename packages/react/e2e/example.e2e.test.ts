/**
 * The built React example in real Chromium against the emulator (with the
 * demo's catalog) over HTTP: sign in on Free, run queries until the meter is
 * full, upgrade, and the plan-gated feature unlocks; live updates on, a plan
 * change at the emulator reaches the page without a reload.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
const catalogPath = fileURLToPath(new URL("../../../examples/catalog.json", import.meta.url));
const screenshots = fileURLToPath(new URL("../../../.e2e-screenshots/", import.meta.url));

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
    catalog: JSON.parse(readFileSync(catalogPath, "utf8")),
  });
  mkdirSync(screenshots, { recursive: true });
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
  it("signs in on Free, meters each query at once, prompts an upgrade at the limit and unlocks Pro", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(siteUrl);
    await page.fill("input[name=user]", "ann-e2e");
    await page.fill("input[name=company]", "acme-e2e");
    await page.fill("input[name=companyName]", "Acme E2E");
    await page.selectOption("select[name=plan]", "free");
    await page.click("button[type=submit]");
    await page.getByTestId("signed-in").waitFor();

    const meter = page.getByTestId("meter");
    // Every text the meter shows, however briefly: a push racing a delivery must never count a query twice.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { meterTexts: string[] }).meterTexts = seen;
      new MutationObserver(() => {
        const text = document.querySelector("[data-testid=meter]")?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await expect.poll(() => meter.textContent(), { timeout: 10_000 }).toBe("0 of 3 queries used this month");
    await expect.poll(() => page.getByTestId("plan").textContent()).toBe("Free");
    expect(await page.getByTestId("exports-off").isVisible()).toBe(true);
    await page.screenshot({ path: `${screenshots}react-example-free.png` });

    // Each click shows the new usage before any request could have answered.
    for (const used of [1, 2]) {
      // React renders a click's update in a microtask: read the meter before the task ends.
      const shown = await page.evaluate(async () => {
        (document.querySelector("[data-testid=run-query]") as HTMLButtonElement).click();
        for (let i = 0; i < 10; i++) await Promise.resolve();
        return document.querySelector("[data-testid=meter]")?.textContent;
      });
      expect(shown).toBe(`${used} of 3 queries used this month`);
    }
    await page.getByTestId("run-query").click();
    await page.getByTestId("upgrade").waitFor();
    expect(await meter.textContent()).toBe("3 of 3 queries used this month");

    // The emulator metered the same three queries.
    await expect
      .poll(() => emulator.emulator.store.events({ type: "track" }).length, { timeout: 10_000 })
      .toBe(3);
    // Delivered and pushed back by the socket: still three, never four.
    await page.waitForTimeout(300);
    expect(await meter.textContent()).toBe("3 of 3 queries used this month");
    const texts = await page.evaluate(() => (window as unknown as { meterTexts: string[] }).meterTexts);
    expect(texts.filter((text) => /^[4-9] of 3/.test(text))).toEqual([]);
    await page.screenshot({ path: `${screenshots}react-example-limit.png` });

    await page.getByTestId("upgrade").getByRole("button").click();
    await expect.poll(() => page.getByTestId("plan").textContent(), { timeout: 10_000 }).toBe("Pro");
    await page.getByTestId("exports-on").waitFor({ timeout: 10_000 });
    await page.getByTestId("run-query").waitFor();
    expect(await meter.textContent()).toBe("3 queries used, no limit on your plan");
    await page.screenshot({ path: `${screenshots}react-example-pro.png` });

    // A plan change at the emulator (as the inspector makes it) reaches the page over the socket, no reload.
    const navigations: string[] = [];
    page.on("framenavigated", (frame) => navigations.push(frame.url()));
    const moved = await fetch(`${emulator.url}/admin/companies/id:acme-e2e/plan`, {
      method: "PUT",
      headers: { "content-type": "application/json", "x-schematic-api-key": "sch_dev_local" },
      body: JSON.stringify({ plan: "free" }),
    });
    expect(moved.status).toBe(200);
    await expect.poll(() => page.getByTestId("plan").textContent(), { timeout: 5_000 }).toBe("Free");
    await page.getByTestId("exports-off").waitFor({ timeout: 5_000 });
    expect(await meter.textContent()).toBe("3 of 3 queries used this month");
    expect(navigations).toEqual([]);

    // The footer links to the inspector of the emulator the page talks to.
    expect(await page.locator("footer a").getAttribute("href")).toBe(`${emulator.url}/`);

    expect(emulator.emulator.store.findCompany({ id: "acme-e2e" })?.name).toBe("Acme E2E");
    // StrictMode in the example: the sign-in and the upgrade, one identify each.
    expect(emulator.emulator.store.events({ type: "identify" })).toHaveLength(2);
    expect(errors).toEqual([]);
    await page.close();
  });
});
