/** Live flag values over a real WebSocket (the `ws` package as the client). */
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Catalog } from "../src/index";
import { PUBLISHABLE, SECRET } from "./helpers";
import { useServers } from "./servers";

const catalog: Catalog = {
  features: { queries: { type: "event", event: "query" }, exports: { type: "boolean" } },
  plans: {
    free: { name: "Free", entitlements: { queries: { allocation: 2, period: "current_month" } } },
    pro: { name: "Pro", entitlements: { queries: "unlimited", exports: true } },
  },
  defaultPlan: "free",
};

const servers = useServers("schematic-emulator-live-");

interface LiveMessage {
  flags: Array<{ flag: string; value: boolean; feature_usage: number | null }>;
  plan: { id: string; name: string } | null;
  credit_balances: Record<string, unknown>;
}

/** A socket that collects every message, and waits for the next one. */
async function connect(url: string, key = PUBLISHABLE, headers: Record<string, string> = {}) {
  const socket = new WebSocket(`${url.replace("http", "ws")}/flags/bootstrap?apiKey=${key}`, { headers });
  const messages: LiveMessage[] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    messages.push(JSON.parse(data.toString()));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const next = (count: number, ms = 1000) =>
    new Promise<LiveMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no message ${count} within ${ms} ms`)), ms);
      const check = () => {
        if (messages.length >= count) {
          clearTimeout(timer);
          resolve(messages[count - 1]!);
        } else waiters.push(check);
      };
      check();
    });
  return { socket, messages, next, closed };
}

const opened = (socket: WebSocket) =>
  new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });

const api = (url: string, method: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-schematic-api-key": SECRET },
    body: JSON.stringify(body),
  });

const sendContext = (socket: WebSocket, company: Record<string, string>) =>
  socket.send(JSON.stringify({ apiKey: PUBLISHABLE, clientVersion: "test@1", data: { company } }));

describe("GET /flags/bootstrap (WebSocket)", () => {
  it("answers a context with every flag and the plan, then pushes within 50 ms only what changed for it", async () => {
    const { url } = await servers.start({ catalog });
    await api(url, "POST", "/companies", { keys: { id: "acme" } });
    await api(url, "POST", "/companies", { keys: { id: "other" } });
    const live = await connect(url);
    await opened(live.socket);
    sendContext(live.socket, { id: "acme" });
    const first = await live.next(1);
    expect(first.plan).toMatchObject({ id: "free", name: "Free" });
    expect(first.credit_balances).toEqual({});
    expect(first.flags.map((f) => [f.flag, f.value])).toEqual([
      ["queries", true],
      ["exports", false],
    ]);

    const changed = performance.now();
    await api(url, "PUT", "/admin/companies/id:acme/plan", { plan: "pro" });
    const second = await live.next(2, 200);
    expect(performance.now() - changed).toBeLessThan(150); // the request itself included
    expect(second.plan).toMatchObject({ id: "pro" });
    expect(second.flags.find((f) => f.flag === "exports")?.value).toBe(true);

    // another company's change, or a change that leaves this context's answers alone: nothing is pushed
    await api(url, "PUT", "/admin/companies/id:other/plan", { plan: "pro" });
    await api(url, "POST", "/companies", { keys: { id: "acme" }, name: "Renamed" });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(live.messages).toHaveLength(2);

    // usage reaching an allocation is pushed
    await api(url, "DELETE", "/admin/companies/id:acme/plan", undefined);
    await live.next(3, 200);
    await api(url, "POST", "/batch", {
      events: [{ type: "track", body: { event: "query", company: { id: "acme" }, quantity: 2 } }],
    });
    const fourth = await live.next(4, 200);
    expect(fourth.flags[0]).toMatchObject({ flag: "queries", value: false, feature_usage: 2 });
    live.socket.close();
  });

  it("a catalog replaced with PUT /catalog is pushed; a bad one is refused with its path and changes nothing", async () => {
    const { url } = await servers.start({ catalog });
    const live = await connect(url);
    await opened(live.socket);
    sendContext(live.socket, { id: "acme" });
    await live.next(1);
    const bad = await api(url, "PUT", "/catalog", { ...catalog, defaultPlan: "gold" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe(
      'Invalid catalog: defaultPlan: must be one of the plans (free, pro); got "gold"',
    );
    const good = await api(url, "PUT", "/catalog", { ...catalog, defaultPlan: "pro" });
    expect(good.status).toBe(200);
    expect((await live.next(2, 200)).plan?.id).toBe("pro");
    expect(live.messages).toHaveLength(2);
    const noKey = await fetch(`${url}/catalog`, { method: "PUT", body: JSON.stringify(catalog) });
    expect(noKey.status).toBe(401);
    live.socket.close();
  });

  it("a new context on the same socket gets its own full answer", async () => {
    const { url } = await servers.start({
      catalog,
      seed: { companies: [{ keys: { id: "b" }, traits: {} }] },
    });
    await api(url, "PUT", "/admin/companies/id:b/plan", { plan: "pro" });
    const live = await connect(url);
    await opened(live.socket);
    sendContext(live.socket, { id: "a" });
    expect((await live.next(1)).plan?.id).toBe("free");
    sendContext(live.socket, { id: "b" });
    expect((await live.next(2)).plan?.id).toBe("pro");
    live.socket.close();
  });

  it.each([
    ["a secret key", SECRET, /secret key must never reach a browser/],
    ["a malformed key", "nope", /expected a publishable key/],
  ])("refuses %s with close code 4001", async (_, key, reason) => {
    const { url } = await servers.start({ catalog });
    const live = await connect(url, key);
    const { code, reason: text } = await live.closed;
    expect(code).toBe(4001);
    expect(text).toMatch(reason);
  });

  it("--fail-rate refuses upgrades, other origins are refused, and a restart drops every socket", async () => {
    const failing = await servers.start({ catalog, failRate: 1 });
    const refused = await connect(failing.url);
    const status = await new Promise<number>((resolve) =>
      refused.socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(503);

    const server = await servers.start({ catalog });
    const foreign = await connect(server.url, PUBLISHABLE, { origin: "https://evil.example" });
    expect(
      await new Promise<number>((resolve) =>
        foreign.socket.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0)),
      ),
    ).toBe(403);

    const live = await connect(server.url);
    await opened(live.socket);
    await server.close();
    expect((await live.closed).code).toBe(1006);
  });
});
