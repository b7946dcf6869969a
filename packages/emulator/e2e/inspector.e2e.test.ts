/**
 * The inspector page in real Chromium against a real emulator (with the
 * example catalog): it shows what apps send, updates live without a reload,
 * and its actions reach connected live clients as pushes.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { launchChromium } from "../../../e2e-support/chromium";

const catalogPath = fileURLToPath(new URL("../../../examples/catalog.json", import.meta.url));
const screenshots = fileURLToPath(new URL("../../../.e2e-screenshots/", import.meta.url));
const SECRET = "sch_dev_inspector_e2e";
const PUBLISHABLE = "api_pub_inspector_e2e";

let emulator: RunningEmulator;
let browser: Browser;

const api = (method: string, path: string, body?: unknown, key = SECRET) =>
  fetch(`${emulator.url}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-schematic-api-key": key },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });

const track = (company: string, event = "query", quantity = 1) =>
  api(
    "POST",
    "/batch",
    { events: [{ type: "track", body: { event, company: { id: company }, user: { id: "ann" }, quantity } }] },
    PUBLISHABLE,
  );

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  emulator = await startEmulator({
    port: 0,
    host: "127.0.0.1",
    catalog: JSON.parse(readFileSync(catalogPath, "utf8")),
  });
  await api("POST", "/users", {
    keys: { id: "ann" },
    name: "Ann Lee",
    traits: { role: "admin" },
    company: { id: "acme" },
  });
  await api("POST", "/companies", {
    keys: { id: "acme", domain: "acme.test" },
    name: "Acme Corp",
    traits: { seats_used: 2, region: "eu-west-1" },
  });
  await api("POST", "/companies", {
    keys: { id: "globex" },
    name: "Globex <script>alert(1)</script>",
    traits: { plan: "pro", seats_used: 12 },
  });
  await api("POST", "/users", { keys: { id: "bo" }, name: "Bo", company: { id: "globex" } });
  await track("acme", "query", 2);
  await track("globex", "query", 40);
  await api("POST", "/flags/exports/check", { company: { id: "acme" } }, PUBLISHABLE);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

async function open(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto(`${emulator.url}/`);
  await page.getByTestId("status").filter({ hasText: "live" }).waitFor();
  return { page, errors };
}

/** A live flag client (as the official SDK connects) for `company`; collects the plans it is pushed. */
async function liveClient(company: string) {
  const socket = new WebSocket(`${emulator.url.replace("http", "ws")}/flags/bootstrap?apiKey=${PUBLISHABLE}`);
  const plans: Array<string | null> = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    plans.push(JSON.parse(data.toString()).plan?.id ?? null);
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ apiKey: PUBLISHABLE, data: { company: { id: company } } }));
  const until = (plan: string, ms = 2000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no push of plan ${plan}; got ${plans}`)), ms);
      const check = () => {
        if (plans.includes(plan)) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  return { socket, plans, until };
}

describe("the inspector in Chromium", () => {
  it("shows companies, usage, users, events, requests and the catalog, escaped and with keys masked", async () => {
    const { page, errors } = await open();
    const acme = page.locator("#companies tr", { hasText: "Acme Corp" });
    await expect.poll(() => acme.textContent()).toContain("2 / 3 this month");
    expect(await acme.locator("select").inputValue()).toBe("free");
    const globex = page.locator("#companies tr", { hasText: "Globex" });
    expect(await globex.locator("select").inputValue()).toBe("pro");
    expect(await globex.textContent()).toContain("<script>alert(1)</script>");
    expect(await page.evaluate(() => document.querySelectorAll("#companies script").length)).toBe(0);
    expect(await page.locator("#users").textContent()).toContain("Ann Lee");
    expect(await page.locator("#catalog").textContent()).toContain("unlimited");
    expect(await page.locator("#requests").textContent()).toContain("/flags/exports/check");
    const body = (await page.textContent("body")) ?? "";
    expect(body).not.toContain(PUBLISHABLE);
    // no column breaks a word: every header cell is one line high
    const heights = await page.$$eval("th", (cells) => cells.map((c) => c.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(30);
    await page.screenshot({ path: `${screenshots}emulator-inspector.png`, fullPage: true });
    // a laptop-sized window: one column, nothing wider than the window
    await page.setViewportSize({ width: 1024, height: 700 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    await page.screenshot({ path: `${screenshots}emulator-inspector-1024.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a tracked event appears within 200 ms without a reload, and opens to its JSON", async () => {
    const { page, errors } = await open();
    await page.evaluate(() => {
      const w = window as unknown as { notReloaded: boolean; seenAt?: number };
      w.notReloaded = true;
      new MutationObserver(() => {
        if (
          w.seenAt === undefined &&
          document.querySelector("#events")?.textContent?.includes("export_csv")
        ) {
          w.seenAt = Date.now();
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const sent = Date.now();
    expect((await track("acme", "export_csv")).status).toBe(200);
    await page.waitForFunction(() => (window as unknown as { seenAt?: number }).seenAt !== undefined);
    const seenAt = await page.evaluate(() => (window as unknown as { seenAt: number }).seenAt);
    expect(seenAt - sent).toBeLessThan(200);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );

    const row = page.locator("#events tr", { hasText: "export_csv" });
    await row.click();
    await expect
      .poll(() => page.locator("#events pre").first().textContent())
      .toContain('"event": "export_csv"');
    // filtering by type hides it; by company keeps it
    await page.selectOption("select[aria-label='event type']", "identify");
    await expect.poll(() => page.locator("#events").textContent()).not.toContain("export_csv");
    await page.selectOption("select[aria-label='event type']", "");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("a plan changed from the page is pushed to a connected live client; the answer panel says why", async () => {
    const { page, errors } = await open();
    const client = await liveClient("acme");
    await client.until("free");
    await page.locator("#companies tr", { hasText: "Acme Corp" }).locator("select").selectOption("pro");
    await client.until("pro");
    expect(emulator.emulator.store.assignmentsOf({ id: "acme" }).plan).toBe("pro");

    await page.selectOption("select[aria-label='company to explain']", {
      label: `Acme Corp (${emulator.emulator.store.findCompany({ id: "acme" })!.id})`,
    });
    await page.selectOption("select[aria-label='flag to explain']", "exports");
    await expect.poll(() => page.getByTestId("answer-reason").textContent()).toBe("Included in Pro");
    // an override from the page turns it off, and clearing it turns it back on
    await page.getByTestId("explain").getByRole("button", { name: "off", exact: true }).click();
    await expect.poll(() => page.getByTestId("answer-value").textContent()).toBe("off");
    expect(await page.getByTestId("answer-reason").textContent()).toBe("Overridden for this company (off)");
    await page
      .getByTestId("explain")
      .getByRole("button", { name: /^clear/ })
      .click();
    await expect.poll(() => page.getByTestId("answer-value").textContent()).toBe("on");
    await page.screenshot({ path: `${screenshots}emulator-inspector-explain.png` });
    client.socket.close();
    expect(errors).toEqual([]);
    await page.close();
  });

  it("Reset (after a confirmation) empties every panel live", async () => {
    const { page, errors } = await open();
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Reset" }).click();
    await expect.poll(() => page.locator("#companies").textContent()).toContain("No company yet");
    expect(await page.locator("#events").textContent()).toContain("No event yet.");
    expect(emulator.emulator.store.companies()).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
