/**
 * The built browser client in real Chromium against the emulator over HTTP.
 * Pages come from a small server on another port (so every call is a real
 * cross-origin request), and load the IIFE build from a plain <script>.
 * Run after `pnpm build`.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { launchChromium } from "../../../e2e-support/chromium";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const IIFE = "packages/browser/dist/schematic.global.js";
const KEY = "api_e2e_0123456789";

/** Files the page server may hand out, by URL path. */
const FILES: Record<string, string> = {
  [`/${IIFE}`]: IIFE,
  "/examples/browser/index.html": "examples/browser/index.html",
};
const BLANK = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/${IIFE}"></script></head><body></body></html>`;

let pages: Server;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let emulator: RunningEmulator | undefined;
const errors: string[] = [];

async function startPages(): Promise<void> {
  pages = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const file = FILES[path];
    if (path === "/blank.html") {
      res.writeHead(200, { "content-type": "text/html" }).end(BLANK);
    } else if (file) {
      const type = file.endsWith(".js") ? "text/javascript" : "text/html";
      res.writeHead(200, { "content-type": type }).end(readFileSync(`${ROOT}${file}`));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
}

/** A port nothing listens on yet (the emulator is started there later). */
async function freePort(): Promise<number> {
  const probe = await startEmulator({ port: 0, host: "127.0.0.1" });
  await probe.close();
  return probe.port;
}

async function open(path = "/blank.html"): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(m.text())) {
      errors.push(m.text());
    }
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(origin + path);
  return page;
}

/** Creates `window.client` in the page and starts it, as a live page's provider or first call does (it adopts any leftovers). */
async function client(page: Page, url: string): Promise<void> {
  await page.evaluate(
    ([key, url]) => {
      const w = window as unknown as Record<string, unknown> & {
        Schematic: new (key: string, options: object) => { mount(): void };
      };
      const client = new w.Schematic(key!, { apiUrl: url, eventUrl: url });
      client.mount();
      w.client = client;
    },
    [KEY, url],
  );
}

/** Runs `code` with `client` in scope inside the page. */
function run<T>(page: Page, code: string): Promise<T> {
  return page.evaluate(`(async (client) => { ${code} })(window.client)`) as Promise<T>;
}

async function waitFor(check: () => boolean, timeout = 60_000): Promise<void> {
  const until = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  if (!existsSync(`${ROOT}${IIFE}`)) throw new Error(`${IIFE} is missing: run pnpm build first`);
  await startPages();
  browser = await launchChromium();
});

beforeEach(async () => {
  context = await browser.newContext();
  errors.length = 0;
});

afterEach(async () => {
  await context.close();
  await emulator?.close();
  emulator = undefined;
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
});

const ids = (e: RunningEmulator) => e.emulator.store.events().map((event) => event.tracker_event_id);

describe("the browser client in Chromium", () => {
  it("the IIFE build works from a plain <script>: the example page identifies, and the emulator creates the company and user", async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1" });
    const page = await open(
      `/examples/browser/index.html?emulator=${encodeURIComponent(emulator.url)}&key=${KEY}&user=demo-user&company=demo-company`,
    );
    await page.waitForSelector("body[data-identify=delivered]", { timeout: 30_000 });
    // What a visitor sees: the form, and the context the client holds.
    expect(await page.isVisible("form#login")).toBe(true);
    expect(await page.isVisible("#missing")).toBe(false);
    expect(await page.textContent("#state")).toContain('"user":{"id":"demo-user"}');
    mkdirSync(`${ROOT}.e2e-screenshots`, { recursive: true });
    await page.screenshot({ path: `${ROOT}.e2e-screenshots/browser-example.png` });
    const store = emulator.emulator.store;
    expect(store.findCompany({ id: "demo-company" })).toBeDefined();
    expect(store.findUser({ id: "demo-user" })).toBeDefined();
    await waitFor(() => store.events().length === 2);
    const [identify, track] = store.events();
    expect(identify!.type).toBe("identify");
    expect(track!.body).toMatchObject({
      event: "signed-in",
      user: { id: "demo-user" },
      company: { id: "demo-company" },
    });
    expect(identify!.tracker_user_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(track!.tracker_user_id).toBe(identify!.tracker_user_id);
  });

  it("with the emulator stopped: identify and track, reload, start it on the same port: every event arrives exactly once", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const page = await open();
    await client(page, url);
    await run(
      page,
      `
      client.identify({ keys: { id: "u-reload" }, company: { keys: { id: "c-reload" } } });
      client.track({ event: "before-reload" });
      await new Promise((r) => setTimeout(r, 1500));
    `,
    );
    await page.reload();
    await client(page, url);
    const pending = await run<number>(
      page,
      `
      await new Promise((r) => setTimeout(r, 500));
      const again = await Promise.race([
        client.identify({ keys: { id: "u-reload" }, company: { keys: { id: "c-reload" } } }),
        new Promise((r) => setTimeout(() => r("pending"), 200)),
      ]);
      if (again.status !== "deduplicated") throw new Error("identify after reload: " + JSON.stringify(again));
      return client.getSnapshot().queue.pending;
    `,
    );
    expect(pending).toBe(2);
    emulator = await startEmulator({ port, host: "127.0.0.1" });
    await waitFor(() => emulator!.emulator.store.events().length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(emulator.emulator.store.events().map((e) => e.type)).toEqual(["identify", "track"]);
    expect(emulator.emulator.store.stats().duplicates).toBe(0);
    expect(emulator.emulator.store.findCompany({ id: "c-reload" })).toBeDefined();
  });

  it("a tab closed mid-queue: another tab opened later delivers its events", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const first = await open();
    await client(first, url);
    await run(
      first,
      `
      for (let i = 0; i < 5; i++) client.track({ event: "left-" + i });
      await new Promise((r) => setTimeout(r, 1000));
    `,
    );
    await first.close({ runBeforeUnload: true });
    emulator = await startEmulator({ port, host: "127.0.0.1" });
    const second = await open();
    await client(second, url);
    await waitFor(() => emulator!.emulator.store.events().length >= 5);
    await run(second, "await client.flush(10000);");
    const events = emulator.emulator.store.events();
    expect(events.map((e) => (e.body as { event: string }).event)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `left-${i}`),
    );
    expect(emulator.emulator.store.stats().duplicates).toBe(0);
  });

  it("two tabs at once, through injected failures: no tracker_event_id reaches the emulator twice", async () => {
    emulator = await startEmulator({ port: 0, host: "127.0.0.1", failRate: 0.3 });
    const tabs = await Promise.all([open(), open()]);
    for (const tab of tabs) await client(tab, emulator.url);
    await Promise.all(
      tabs.map((tab, t) =>
        run(
          tab,
          `
          client.identify({ keys: { id: "u-${t}" }, company: { keys: { id: "c-shared" } } });
          for (let i = 0; i < 20; i++) client.track({ event: "tab-${t}-" + i });
          await client.flush(60000);
        `,
        ),
      ),
    );
    const received = ids(emulator);
    expect(received).toHaveLength(42);
    expect(new Set(received).size).toBe(42);
    expect(emulator.emulator.store.stats().duplicates).toBe(0);
    expect(emulator.emulator.store.stats().faults.failed).toBeGreaterThan(0);
    for (const tab of tabs) {
      const stats = await run<{ pending: number; dropped: number }>(
        tab,
        "return client.getSnapshot().queue;",
      );
      expect(stats).toMatchObject({ pending: 0, dropped: 0 });
    }
  });
});
