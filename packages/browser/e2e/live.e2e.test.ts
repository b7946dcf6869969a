/**
 * Live flag values in real Chromium: the built client (`dist/index.js`, its
 * live code loaded as the chunk `mount()` imports) with `live: true`, the
 * page's own WebSocket and page lifecycle, against the emulator's live
 * endpoint (`startEmulator`, with a catalog). Run after `pnpm build`.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import type { Catalog } from "@schematic-sdk/emulator";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../../../e2e-support/chromium";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const KEY = "api_e2e_live_0123456789";
/** Not a secret key (the client takes it) and not a publishable one (the emulator refuses it: 4001). */
const REFUSED_KEY = "pk_e2e_revoked_0123456789";

/** URL prefixes of the page server → the built packages' dist folders. */
const DIST: Record<string, string> = {
  "/browser/": `${ROOT}packages/browser/dist/`,
  "/core/": `${ROOT}packages/core/dist/`,
};
// The ESM build as an app's bundler would load it: the import map stands in for the bare `@schematic-sdk/core`.
// The page's WebSocket is wrapped only to watch it (sockets made, messages, close codes).
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="importmap">{"imports":{"@schematic-sdk/core":"/core/index.js"}}</script>
<script type="module">
import { Schematic } from "/browser/index.js";
window.sockets = [];
window.warnings = [];
const warn = console.warn;
console.warn = (...args) => { window.warnings.push(args.join(" ")); warn(...args); };
window.SpyWebSocket = class extends WebSocket {
  constructor(url) {
    super(url);
    const seen = { messages: 0, closed: undefined };
    window.sockets.push(seen);
    this.addEventListener("message", () => seen.messages++);
    this.addEventListener("close", (event) => { seen.closed = event.code; });
  }
};
window.Schematic = Schematic;
window.loaded = true;
</script></head><body></body></html>`;

const catalog: Catalog = {
  features: { "pro-feature": { type: "boolean" } },
  plans: {
    free: { name: "Free", entitlements: {} },
    pro: { name: "Pro", entitlements: { "pro-feature": true } },
  },
  defaultPlan: "free",
};

let pages: Server;
let origin: string;
let browser: Browser;
let context: BrowserContext;
let emulator: RunningEmulator;
/** Flag requests over REST (`/flags/…/check`) the emulator answered. */
let flagRequests: string[];
const errors: string[] = [];

async function start(port = 0): Promise<RunningEmulator> {
  const running = await startEmulator({
    port,
    host: "127.0.0.1",
    catalog,
    onRequest: (line) => {
      if (/^\/flags\/.*check/.test(line.path)) flagRequests.push(line.path);
    },
  });
  for (const id of ["acme", "globex"]) running.emulator.store.upsertCompany({ keys: { id }, traits: {} });
  return running;
}

const setPlan = (company: string, plan: string) =>
  emulator.emulator.store.setCompanyPlan({ id: company }, plan);

async function open(target: BrowserContext = context): Promise<Page> {
  const page = await target.newPage();
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`${origin}/live.html`);
  await page.waitForFunction(() => (window as never as { loaded?: boolean }).loaded);
  return page;
}

/** What the page holds: the client, its notifications and the sockets it made. */
type LiveWindow = {
  client: {
    getFlag(key: string): boolean | undefined;
    getPlan(): { id: string } | undefined;
    getSnapshot(): unknown;
    subscribe(listener: () => void): () => void;
  };
  changes: number;
  sockets: Array<{ messages: number; closed: number | undefined }>;
  warnings: string[];
};

/** Creates and mounts the page's client for `company` with `live: true`, as an app's provider would. */
async function mount(page: Page, company: string, key = KEY): Promise<void> {
  await page.evaluate(
    ({ url, key, company }) => {
      const w = window as never as LiveWindow & {
        Schematic: new (
          key: string,
          options: object,
        ) => LiveWindow["client"] & {
          setContext(c: object): void;
          mount(): void;
        };
        SpyWebSocket: unknown;
      };
      const client = new w.Schematic(key, {
        apiUrl: url,
        eventUrl: url,
        live: true,
        webSocket: w.SpyWebSocket,
      });
      client.setContext({ company: { id: company } });
      w.changes = 0;
      client.subscribe(() => w.changes++);
      client.mount();
      w.client = client;
    },
    { url: emulator.url, key, company },
  );
}

/** Runs `read` on the page's window. */
const page$ = <T>(page: Page, read: (w: LiveWindow) => T) =>
  page.evaluate(`(${read.toString()})(window)`) as Promise<T>;
const proFeature = (page: Page) => page$(page, (w) => w.client.getFlag("pro-feature"));
/** The newest socket is open and answered, and the client shows its answer. */
const untilLive = (page: Page, sockets = 1) =>
  page.waitForFunction(
    (sockets) => {
      const w = window as never as LiveWindow;
      const last = w.sockets[sockets - 1];
      return w.sockets.length === sockets && last && last.closed === undefined && last.messages > 0;
    },
    sockets,
    { timeout: 10_000 },
  );
const untilProFeature = (page: Page, value: boolean, timeout = 10_000) =>
  page.waitForFunction(
    (value) => (window as never as LiveWindow).client.getFlag("pro-feature") === value,
    value,
    { timeout },
  );

beforeAll(async () => {
  for (const dir of Object.values(DIST))
    if (!existsSync(`${dir}index.js`)) throw new Error(`${dir}index.js is missing: run pnpm build first`);
  pages = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/live.html") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    const prefix = Object.keys(DIST).find((p) => path.startsWith(p));
    const file = prefix && `${DIST[prefix]}${path.slice(prefix.length)}`;
    if (file && /^[\w.-]+\.js$/.test(path.slice(prefix.length)) && existsSync(file))
      res.writeHead(200, { "content-type": "text/javascript" }).end(readFileSync(file));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  browser = await launchChromium();
});

beforeEach(async () => {
  flagRequests = [];
  emulator = await start();
  context = await browser.newContext();
  errors.length = 0;
});

afterEach(async () => {
  await context.close();
  await emulator.close();
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => pages?.close(resolve));
});

describe("live flag values in Chromium, the built client against the emulator", () => {
  it("a plan change reaches the page without a flag request; an unrelated change does not notify it", async () => {
    const page = await open();
    await mount(page, "acme");
    await untilLive(page);
    expect(await proFeature(page)).toBe(false);
    expect(await page$(page, (w) => w.client.getPlan()?.id)).toBe("free");
    const asked = flagRequests.length; // the mount's first look, before the socket answered
    const changes = await page$(page, (w) => w.changes);

    setPlan("globex", "pro");
    await page.waitForTimeout(300);
    expect(await page$(page, (w) => w.changes)).toBe(changes);
    setPlan("acme", "pro");
    await untilProFeature(page, true);
    expect(await page$(page, (w) => w.client.getPlan()?.id)).toBe("pro");
    expect(await page$(page, (w) => w.changes)).toBe(changes + 1);
    expect(flagRequests.length).toBe(asked);
  });

  it("two tabs each get their own pushes", async () => {
    const first = await open();
    const second = await open();
    await mount(first, "acme");
    await mount(second, "globex");
    await untilLive(first);
    await untilLive(second);
    setPlan("globex", "pro");
    await untilProFeature(second, true);
    expect(await proFeature(first)).toBe(false);
    setPlan("acme", "pro");
    await untilProFeature(first, true);
  });

  it("an emulator restart drops the socket; the page reconnects, resends its context and gets pushes again", async () => {
    const page = await open();
    await mount(page, "acme");
    await untilLive(page);
    const port = emulator.port;
    await emulator.close();
    await page.waitForFunction(() => (window as never as LiveWindow).sockets[0]?.closed !== undefined);
    emulator = await start(port);
    setPlan("acme", "pro"); // the new emulator's state differs from what the page last got
    // The first retry comes within a second; the resync brings the new answer.
    await untilProFeature(page, true);
    await untilLive(page, (await page$(page, (w) => w.sockets.length)) as number);
    setPlan("acme", "free");
    await untilProFeature(page, false);
  });

  it("a refused key: close code 4001, one warning without the key, no reconnect", async () => {
    const page = await open();
    await mount(page, "acme", REFUSED_KEY);
    await page.waitForFunction(() => (window as never as LiveWindow).sockets[0]?.closed === 4001);
    await page.waitForTimeout(1500);
    expect(await page$(page, (w) => w.sockets.length)).toBe(1);
    const warnings = (await page$(page, (w) => w.warnings)).filter((line) => line.includes("live"));
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
      const page = await open(await cached.newContext());
      await mount(page, "acme");
      await untilLive(page);
      await page.goto(`${origin}/live.html?next`);
      await page.goBack({ waitUntil: "commit" }); // a restore from the cache fires no load event
      // Restored from the cache: the same page and client, its first socket closed by pagehide, a new one open.
      await untilLive(page, 2);
      expect(await page$(page, (w) => w.sockets[0]?.closed)).toBe(1000);
      setPlan("acme", "pro");
      await untilProFeature(page, true);
    } finally {
      await cached.close();
    }
  });
});
