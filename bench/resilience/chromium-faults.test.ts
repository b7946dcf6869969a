/**
 * The browser client in real Chromium under the same faults: several
 * browsers (contexts, each with its own localStorage and Web Locks), each
 * reloading its page a few times while events are still queued or in flight,
 * with the emulator restarted mid-run. Smaller than the Node run (Chromium is
 * heavy on a 2-core machine); the properties checked are the same.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CHROMIUM, launchChromium } from "../../e2e-support/chromium";
import { deliveryReport, type Made, RestartableEmulator, seeded, sleep, totalsLine } from "./support";

const KEY = "api_resilience_chromium";
const BROWSERS = 6;
const PAGES = 3;
const EVENTS_PER_PAGE = 8; // 6 × 3 × 8 = 144 events

const here = fileURLToPath(new URL(".", import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The page: loads the SDK bundle, makes this page load's calls, and on the last load flushes and reports. */
function html(emulatorUrl: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script src="/sdk.js"></script></head><body><script>
const q = new URLSearchParams(location.search);
const user = q.get("user"), company = q.get("company"), page = Number(q.get("page")), n = Number(q.get("n"));
const schematic = new SchematicSDK.Schematic(${JSON.stringify(KEY)}, {
  apiUrl: ${JSON.stringify(emulatorUrl)}, eventUrl: ${JSON.stringify(emulatorUrl)}, flushInterval: 5, maxAttempts: 40,
  onDrop: (d) => (window.__dropped = (window.__dropped || 0) + 1),
});
for (let i = 0; i < n; i++) {
  const label = user + "/p" + page + "/e" + i;
  if (i === 0) schematic.identify({ keys: { id: user }, traits: { label, page }, company: { keys: { id: company } } });
  else schematic.track({ event: "query", traits: { label } });
}
if (q.has("final")) (async () => {
  const queued = () => Object.keys(localStorage).filter((k) => /:q[^:]*$/.test(k));
  for (let i = 0; i < 120 && (schematic.getSnapshot().queue.pending > 0 || queued().length > 0); i++) {
    await schematic.flush(1000);
    await new Promise((r) => setTimeout(r, 200));
  }
  window.__final = { pending: schematic.getSnapshot().queue.pending, leftovers: queued(), dropped: window.__dropped || 0 };
})();
</script></body></html>`;
}

async function bundleSdk(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [join(here, "../../packages/browser/src/index.ts")],
    bundle: true,
    format: "iife",
    globalName: "SchematicSDK",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

async function serve(sdk: string, page: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/sdk.js")) {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(sdk);
    } else {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(page);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { server, url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}` };
}

describe("browser client in Chromium under faults", () => {
  const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;

  it.skipIf(skip)(
    `${BROWSERS * PAGES * EVENTS_PER_PAGE} events across reloads in ${BROWSERS} browsers: each delivered once, nothing left behind`,
    async () => {
      const emulator = await RestartableEmulator.start({ failRate: 0.3, latency: 15, rateLimit: 40 });
      cleanups.push(() => emulator.close());
      const site = await serve(await bundleSdk(), html(emulator.url));
      cleanups.push(() => new Promise<void>((resolve) => site.server.close(() => resolve())));
      const browser = await launchChromium();
      cleanups.push(() => browser.close());
      const random = seeded(11);
      const made: Made[] = [];
      const finals: Array<{ pending: number; leftovers: string[]; dropped: number }> = [];
      const errors: string[] = [];
      const started = Date.now();

      async function oneBrowser(b: number): Promise<void> {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on("pageerror", (error) => errors.push(String(error)));
        const user = `cr${b}`;
        const at = (p: number, n: number, final = false) =>
          `${site.url}/?user=${user}&company=crc${b % 3}&page=${p}&n=${n}${final ? "&final" : ""}`;
        for (let p = 0; p < PAGES; p++) {
          for (let i = 0; i < EVENTS_PER_PAGE; i++) {
            made.push({ label: `${user}/p${p}/e${i}`, user, type: i === 0 ? "identify" : "track" });
          }
          await page.goto(at(p, EVENTS_PER_PAGE));
          await sleep(100 + Math.floor(random() * 600)); // then a reload (the next goto) while events are in flight
        }
        await page.goto(at(PAGES, 0, true));
        await page.waitForFunction(() => (window as { __final?: unknown }).__final, null, {
          timeout: 100_000,
        });
        finals.push(
          await page.evaluate(() => (window as unknown as { __final: (typeof finals)[number] }).__final),
        );
        await context.close();
      }

      const runs = Array.from({ length: BROWSERS }, (_, b) => oneBrowser(b));
      await sleep(1_500);
      await emulator.restart(1_000);
      await Promise.all(runs);

      const report = deliveryReport(
        made,
        emulator.events().filter((e) => e.api_key === KEY),
      );
      const totals = emulator.totals();
      console.log(
        totalsLine("chromium", {
          sent: made.length,
          received: report.received,
          duplicates: totals.duplicates,
          lost: report.lost.length,
          dropped: finals.reduce((n, f) => n + f.dropped, 0),
          requests: totals.requests,
          "503": totals.failed,
          "429": totals.rateLimited,
          "track-before-identify": report.identifyAfterTrack.length,
          ms: Date.now() - started,
        }),
      );
      expect(errors).toEqual([]);
      expect(finals.map((f) => [f.pending, f.leftovers.length, f.dropped])).toEqual(
        finals.map(() => [0, 0, 0]),
      );
      expect(report.lost).toEqual([]);
      expect(report.twice).toEqual([]);
      // Each user's identify is applied before the tracks that follow it.
      expect(report.identifyAfterTrack).toEqual([]);
      expect(totals.failed).toBeGreaterThan(0);
    },
    180_000,
  );
});
