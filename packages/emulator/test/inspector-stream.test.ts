/** The inspector's stream (`/inspector/stream`) over a real WebSocket: who may connect, and what it pushes. */
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { InspectorUpdate } from "../src/inspector/stateTypes";
import { PUBLISHABLE, SECRET } from "./helpers";
import { useServers } from "./servers";

const servers = useServers("schematic-emulator-inspector-");

const pageToken = async (url: string) => {
  const page = await (await fetch(`${url}/`)).text();
  return /"token":"([^"]+)"/.exec(page)![1]!;
};

function stream(url: string, query: string, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`${url.replace("http", "ws")}/inspector/stream${query}`, { headers });
  const messages: InspectorUpdate[] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    messages.push(JSON.parse(data.toString()));
    for (const wake of waiters.splice(0)) wake();
  });
  const refused = new Promise<number>((resolve) =>
    socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
  );
  const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
  /** The first message after `from` that satisfies `test`. */
  const until = (test: (m: InspectorUpdate) => boolean, from = 0, ms = 1000) =>
    new Promise<InspectorUpdate>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such message within ${ms} ms`)), ms);
      const check = () => {
        const found = messages.slice(from).find(test);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  return { socket, messages, refused, closed, until };
}

const track = (url: string, company: string) =>
  fetch(`${url}/batch`, {
    method: "POST",
    headers: { "x-schematic-api-key": PUBLISHABLE },
    body: JSON.stringify({
      events: [{ type: "track", body: { event: "query", company: { id: company }, quantity: 1 } }],
    }),
  });

describe("GET /inspector/stream", () => {
  it("sends the whole state, then within 200 ms only the sections a change touched", async () => {
    const { url } = await servers.start({
      catalog: {
        features: { queries: { type: "event", event: "query" } },
        plans: { free: { name: "Free", entitlements: { queries: { allocation: 5 } } } },
        defaultPlan: "free",
      },
    });
    const page = stream(url, `?token=${await pageToken(url)}`);
    const first = await page.until(() => true);
    expect(Object.keys(first).sort()).toEqual([
      "catalog",
      "companies",
      "events",
      "requests",
      "stats",
      "users",
    ]);
    expect(first.events?.total).toBe(0);

    const sent = performance.now();
    await track(url, "acme");
    const update = await page.until((m) => (m.events?.total ?? 0) > 0, 1, 200);
    expect(performance.now() - sent).toBeLessThan(200);
    expect(update.catalog).toBeUndefined();
    expect(update.events?.items[0]).toMatchObject({ type: "track", event: "query" });
    expect(update.companies?.items[0]?.answers[0]).toMatchObject({ feature_usage: 1, feature_allocation: 5 });
    await page.until((m) => m.requests?.items[0]?.path === "/batch", 1);

    // a plan change touches companies only
    const from = page.messages.length;
    await fetch(`${url}/admin/companies/id:acme/plan`, {
      method: "DELETE",
      headers: { "x-schematic-api-key": SECRET },
    });
    const planned = await page.until((m) => m.companies !== undefined, from);
    expect(Object.keys(planned)).toEqual(["companies"]);
    page.socket.close();
  });

  it("counts live flag clients as they come and go", async () => {
    const { url } = await servers.start();
    const page = stream(url, "", { "x-schematic-api-key": SECRET });
    await page.until((m) => m.stats?.liveClients === 0);
    const live = new WebSocket(`${url.replace("http", "ws")}/flags/bootstrap?apiKey=${PUBLISHABLE}`);
    await page.until((m) => m.stats?.liveClients === 1);
    live.close();
    await page.until((m) => m.stats?.liveClients === 0, 1);
    page.socket.close();
  });

  it("needs the page's token or a secret key, refuses other origins, and tells a page of an earlier run to reload", async () => {
    const { url } = await servers.start();
    expect(await stream(url, "").refused).toBe(401);
    expect(await stream(url, "", { "x-schematic-api-key": PUBLISHABLE }).refused).toBe(401);
    const token = await pageToken(url);
    expect(await stream(url, `?token=${token}`, { origin: "https://evil.example" }).refused).toBe(403);
    expect(await stream(url, "?token=from-an-earlier-run").closed).toBe(4003);
    // the page's own origin is fine
    const own = stream(url, `?token=${token}`, { origin: url });
    await own.until(() => true);
    own.socket.close();
  });
});
