/**
 * Live flag values in real Chromium: the page's own WebSocket and page
 * lifecycle, against the emulator's live endpoint on a real HTTP server.
 * The live code is bundled from source for the page (no build needed).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FlagCheck, Plan } from "@schematic-sdk/core";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../../../e2e-support/chromium";
import { keyKind } from "../../emulator/src/auth";
import { attachLiveServer, type LiveServer } from "../../emulator/src/liveServer";
import { EmulatorStore } from "../../emulator/src/store";
import type { LiveConnection, LiveStatus } from "../src/live";
import type { mergeLivePush } from "../src/livePush";
import type { browserPlatform } from "../src/platform";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const KEY = "api_e2e_live_0123456789";
const REFUSED_KEY = "api_e2e_revoked_0123456789";

let bundle: string;
let pages: Server;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let api: Server;
let wsUrl: string;
let live: LiveServer;
let store: EmulatorStore;
const errors: string[] = [];

async function listen(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** The emulator's live endpoint over `store` (started again by a "restart"). */
function attach(): Promise<LiveServer> {
  return attachLiveServer({
    server: api,
    authenticate: (key) => (keyKind(key) === "publishable" && key !== REFUSED_KEY ? "ok" : "refused"),
    answersFor: (ctx) => {
      const { flags, plan } = store.checkFlags(ctx);
      return { flags, plan: plan ?? null };
    },
    subscribe: (onChange) => store.onChange(onChange),
  });
}

async function open(): Promise<Page> {
  const page = await context.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}/blank.html`);
  return page;
}

/** Opens a live connection in the page for `company`; its state is `window.state`. */
async function connect(page: Page, company: string, key = KEY): Promise<void> {
  await page.evaluate(
    ({ url, key, company }) => {
      const w = window as never as LiveWindow & { SchematicLive: LivePieces };
      const { LiveConnection, mergeLivePush, browserPlatform } = w.SchematicLive;
      const state: PageState = { checks: {}, plan: undefined, statuses: [], changes: 0 };
      w.state = state;
      w.warnings = [];
      const connection = new LiveConnection({
        url,
        apiKey: key,
        clientVersion: "e2e@1.0.0",
        lifecycle: browserPlatform().lifecycle,
        onMessage: (push) => {
          const next = mergeLivePush({ checks: state.checks, plan: state.plan, push });
          if (!next.changed) return;
          state.checks = next.checks;
          state.plan = next.plan;
          state.changes++;
        },
        onStatus: (status) => state.statuses.push(status),
        warn: (...args) => w.warnings.push(args.join(" ")),
      });
      connection.setContext({ context: { company: { id: company } } });
      connection.open();
      w.live = connection;
    },
    { url: wsUrl, key, company },
  );
}

/** What the page's connection has seen. */
interface PageState {
  checks: Record<string, FlagCheck>;
  plan: Plan | undefined;
  statuses: LiveStatus[];
  changes: number;
}
type LiveWindow = { state: PageState; live: LiveConnection; warnings: string[] };
type LivePieces = {
  LiveConnection: typeof LiveConnection;
  mergeLivePush: typeof mergeLivePush;
  browserPlatform: typeof browserPlatform;
};

const state = (page: Page) => page.evaluate(() => (window as never as LiveWindow).state);
const proFeature = async (page: Page) => (await state(page)).checks["pro-feature"]?.value;
const connected = (page: Page) => page.evaluate(() => (window as never as LiveWindow).live.connected);
const untilConnected = (page: Page) =>
  page.waitForFunction(() => (window as never as LiveWindow).live.connected);
const untilProFeature = (page: Page, value: boolean, timeout = 30_000) =>
  page.waitForFunction(
    (value) => (window as never as LiveWindow).state.checks["pro-feature"]?.value === value,
    value,
    { timeout },
  );

beforeAll(async () => {
  const outDir = mkdtempSync(join(tmpdir(), "schematic-live-e2e-"));
  await build({
    configFile: false,
    logLevel: "error",
    resolve: { alias: { "@schematic-sdk/core": `${ROOT}packages/core/src/index.ts` } },
    build: {
      outDir,
      emptyOutDir: true,
      minify: false,
      lib: {
        entry: `${ROOT}packages/browser/e2e/liveEntry.ts`,
        formats: ["iife"],
        name: "live",
        fileName: () => "live.js",
      },
    },
  });
  bundle = readFileSync(join(outDir, "live.js"), "utf8");
  rmSync(outDir, { recursive: true, force: true });
  const page = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/live.js"></script></head><body></body></html>`;
  pages = createServer((req, res) => {
    if (req.url === "/live.js") res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else if (req.url?.startsWith("/blank.html"))
      res.writeHead(200, { "content-type": "text/html" }).end(page);
    else res.writeHead(404).end();
  });
  origin = `http://127.0.0.1:${await listen(pages)}`;
  browser = await launchChromium();
});

beforeEach(async () => {
  store = new EmulatorStore();
  store.setFlags({
    flags: { "pro-feature": { default: false, traits: [{ trait: "plan", value: "pro", result: true }] } },
  });
  for (const id of ["acme", "globex"]) store.upsertCompany({ keys: { id }, traits: { plan: "free" } });
  api = createServer((_req, res) => res.writeHead(404).end());
  wsUrl = `ws://127.0.0.1:${await listen(api)}`;
  live = await attach();
  context = await browser.newContext();
  errors.length = 0;
});

afterEach(async () => {
  await context.close();
  await live.close();
  await new Promise((resolve) => api.close(resolve));
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
});

describe("live flag values in Chromium", () => {
  it("a plan change at the emulator reaches the page, and an unrelated change does not notify it", async () => {
    const page = await open();
    await connect(page, "acme");
    await untilConnected(page);
    expect(await proFeature(page)).toBe(false);
    store.upsertCompany({ keys: { id: "globex" }, traits: { plan: "pro" } });
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    await untilProFeature(page, true);
    expect((await state(page)).changes).toBe(2); // the first answer, then acme's change
  });

  it("two tabs each get their own pushes", async () => {
    const first = await open();
    const second = await open();
    await connect(first, "acme");
    await connect(second, "globex");
    await untilConnected(first);
    await untilConnected(second);
    expect(live.clients()).toBe(2);
    store.upsertCompany({ keys: { id: "globex" }, traits: { plan: "pro" } });
    await untilProFeature(second, true);
    expect(await proFeature(first)).toBe(false);
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    await untilProFeature(first, true);
  });

  it("an emulator restart drops the socket; the page reconnects, resends its context and gets pushes again", async () => {
    const page = await open();
    await connect(page, "acme");
    await untilConnected(page);
    await live.close();
    await page.waitForFunction(() => !(window as never as LiveWindow).live.connected);
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } }); // changed while down
    live = await attach();
    // The first retry comes within a second; the resync brings the change made while down.
    await untilProFeature(page, true, 5000);
    expect(await connected(page)).toBe(true);
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "free" } });
    await untilProFeature(page, false);
  });

  it("a refused key: close code 4001, one warning, no reconnect", async () => {
    const page = await open();
    await connect(page, "acme", REFUSED_KEY);
    await page.waitForFunction(() => (window as never as LiveWindow).state.statuses.includes("refused"));
    await page.waitForTimeout(1500);
    expect((await state(page)).statuses).toEqual(["connecting", "open", "refused"]);
    const warnings = await page.evaluate(() => (window as never as LiveWindow).warnings);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("4001");
    expect(warnings[0]).not.toContain(REFUSED_KEY);
  });

  it("pagehide closes the socket (the page can enter the back/forward cache) and pageshow reopens it", async () => {
    // Playwright turns the back/forward cache off by default; this browser keeps it on.
    const cached = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
      ignoreDefaultArgs: ["--disable-back-forward-cache"],
    });
    try {
      const page = await (await cached.newContext()).newPage();
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${origin}/blank.html`);
      await connect(page, "acme");
      await untilConnected(page);
      expect(live.clients()).toBe(1);
      await page.goto(`${origin}/blank.html?next`);
      await expect.poll(() => live.clients()).toBe(0);
      await page.goBack({ waitUntil: "commit" }); // a restore from the cache fires no load event
      // Restored from the cache: the same page, its state kept, and a new socket.
      await untilConnected(page);
      expect((await state(page)).statuses).toEqual(["connecting", "open", "closed", "connecting", "open"]);
      expect(live.clients()).toBe(1);
    } finally {
      await cached.close();
    }
  });
});
