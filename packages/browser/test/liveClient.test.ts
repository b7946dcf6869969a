/** The client with `live` on: a socket from `mount()`, pushes in the snapshot, no flag request while it answers. */
import { HttpResponse, http } from "msw";
import { beforeEach, describe, expect, it } from "vitest";
import { type Schematic, SchematicConfigError, type SchematicOptions } from "../src/index";
// Loaded up front, so the client's `import("./live")` resolves within a few microtasks under fake timers.
import "../src/live";
import { FakeWebSocket } from "./fakeWebSocket";
import { API, createClient, EVENTS, fakeLifecycle, KEY, server, settle, useServer } from "./helpers";

useServer();

const COMPANY = { id: "acme" };

const queries = (usage: number) => ({
  flag: "queries",
  value: usage < 3,
  reason: "plan entitlement",
  feature_allocation: 3,
  feature_usage: usage,
  feature_usage_event: "query",
  feature_usage_reset_at: "2030-02-01T00:00:00.000Z",
});
const PRO = { id: "plan_pro", name: "Pro", trial_status: null };

/** Counts flag requests; each answers `sso: false` (REST) so a value from REST is told apart from a push. */
function flagApi() {
  const asked: string[] = [];
  server.use(
    http.post(`${API}/flags/check`, () => {
      asked.push("*");
      return HttpResponse.json({ data: { flags: [{ flag: "sso", value: false, reason: "rest" }] } });
    }),
    http.post(`${API}/flags/:key/check`, ({ params }) => {
      asked.push(String(params.key));
      return HttpResponse.json({ data: { value: false, reason: "rest" } });
    }),
    http.post(`${EVENTS}/e`, () => new HttpResponse(null, { status: 503 })),
  );
  return asked;
}

/** Holds each delivery's answer until its release function (oldest first) is called. */
function holdDeliveries(): (() => void)[] {
  const release: (() => void)[] = [];
  server.use(
    http.post(`${EVENTS}/e`, async () => {
      await new Promise<void>((resolve) => release.push(resolve));
      return HttpResponse.json({ ok: true });
    }),
  );
  return release;
}

/** A mounted client for acme with `live` on, its socket accepted and answered with `push`. */
async function liveClient(push: object, options: SchematicOptions = {}): Promise<[Schematic, FakeWebSocket]> {
  const client = createClient({ live: true, webSocket: FakeWebSocket, ...options });
  client.setContext({ company: COMPANY });
  client.mount();
  await settle();
  const socket = FakeWebSocket.last;
  socket.accept();
  socket.receive(push);
  await settle();
  return [client, socket];
}

beforeEach(() => FakeWebSocket.reset());

describe("live updates in the client", () => {
  it("opens one socket on mount to apiUrl's ws twin, sending the context; with live off, none", async () => {
    flagApi();
    const off = createClient({ webSocket: FakeWebSocket });
    off.mount();
    await settle();
    expect(FakeWebSocket.all).toHaveLength(0);
    off.close();

    const [client, socket] = await liveClient({ flags: [] }, { apiUrl: "http://127.0.0.1:8787" });
    expect(FakeWebSocket.all).toHaveLength(1);
    expect(socket.url).toBe(`ws://127.0.0.1:8787/flags/bootstrap?apiKey=${KEY}`);
    expect(socket.messages).toEqual([
      {
        apiKey: KEY,
        clientVersion: expect.stringMatching(/^@schematic-sdk\/browser@/),
        data: { company: COMPANY },
      },
    ]);
    client.mount(); // a second mount opens nothing more
    await settle();
    expect(FakeWebSocket.all).toHaveLength(1);
    client.close();
  });

  it("sends no flag request while the socket answers, and asks over REST again once it is down", async () => {
    const asked = flagApi();
    const [client, socket] = await liveClient({
      flags: [{ flag: "sso", value: true, reason: "live" }],
      plan: PRO,
    });
    asked.length = 0; // the mount's own first look, before the socket answered
    expect(await client.checkFlag("sso")).toBe(true);
    expect(await client.checkFlag("unknown", { fallback: true })).toBe(true);
    expect(await client.checkEntitlement("unknown")).toEqual({
      flag: "unknown",
      value: false,
      reason: "fallback",
    });
    expect(await client.checkFlags()).toEqual({ sso: true });
    await settle(5 * 60_000); // past flagCacheTtl, while mounted
    expect(await client.checkFlag("sso")).toBe(true);
    expect(asked).toEqual([]);
    expect(client.getPlan()).toEqual({ id: "plan_pro", name: "Pro" });

    socket.drop();
    expect(await client.checkFlag("unknown", { fallback: true })).toBe(false);
    expect(asked).toEqual(["unknown"]);
    client.close();
  });

  it("a new context goes out on the socket; until it is answered, flags are asked over REST", async () => {
    const asked = flagApi();
    const [client, socket] = await liveClient({ flags: [{ flag: "sso", value: true, reason: "live" }] });
    asked.length = 0;
    client.setContext({ company: { id: "globex" } });
    expect(socket.messages.at(-1)).toMatchObject({ data: { company: { id: "globex" } } });
    expect(await client.checkFlag("sso")).toBe(false);
    expect(asked).toContain("*");
    socket.receive({ flags: [{ flag: "sso", value: true, reason: "live" }] });
    await settle();
    expect(client.getFlag("sso")).toBe(true);
    client.close();
  });

  it("a push notifies subscribers only when something shown changed; a push without a plan keeps it", async () => {
    flagApi();
    const [client, socket] = await liveClient({
      flags: [queries(0), { flag: "sso", value: false, reason: "x" }],
      plan: PRO,
    });
    let notified = 0;
    client.subscribe(() => notified++);
    const before = client.getSnapshot();
    expect(before.checks.queries).toMatchObject({ featureUsage: 0, value: true });

    socket.receive({ flags: [queries(0), { flag: "sso", value: false, reason: "x" }], plan: PRO });
    await settle();
    expect(notified).toBe(0);
    expect(client.getSnapshot()).toBe(before);

    socket.receive({ flags: [{ flag: "sso", value: true, reason: "x" }] }); // queries left out: kept
    await settle();
    expect(notified).toBe(1);
    expect(client.getSnapshot().flags).toEqual({ queries: true, sso: true });
    expect(client.getSnapshot().checks.queries).toBe(before.checks.queries);
    expect(client.getPlan()).toEqual({ id: "plan_pro", name: "Pro" });

    socket.receive({
      flags: [{ ...queries(0), feature_usage_reset_at: "2030-03-01T00:00:00.000Z" }],
      plan: null,
    });
    await settle();
    expect(notified).toBe(2);
    expect(client.getFlagCheck("queries")?.featureUsageResetAt).toEqual(new Date("2030-03-01T00:00:00.000Z"));
    expect(client.getPlan()).toBeUndefined();
    client.close();
  });

  it("usage tracked here and not delivered yet stays shown across pushes, never double counted", async () => {
    flagApi(); // events fail: the track stays queued
    const [client, socket] = await liveClient({ flags: [queries(1)] });
    void client.track({ event: "query", company: COMPANY });
    const shown = client.getFlagCheck("queries");
    expect(shown).toMatchObject({ featureUsage: 2, value: true });

    socket.receive({ flags: [queries(1)] }); // the server has not counted it
    await settle();
    expect(client.getFlagCheck("queries")).toBe(shown); // the same object: a hook reading it does not re-render

    socket.receive({ flags: [queries(2)] }); // another tab's query
    await settle();
    expect(client.getFlagCheck("queries")).toMatchObject({
      featureUsage: 3,
      value: false,
      featureUsageExceeded: true,
    });
    client.close();
  });

  it("a push that counted a track whose delivery is still on its way shows it once, before and after the answer", async () => {
    flagApi();
    const release = holdDeliveries();
    const [client, socket] = await liveClient({ flags: [queries(2)] });
    void client.track({ event: "query", company: COMPANY });
    expect(client.getFlagCheck("queries")).toMatchObject({ featureUsage: 3, value: false });
    await settle(200); // the delivery is sent; its answer is held back
    expect(release).toHaveLength(1);

    socket.receive({ flags: [queries(3)] }); // the server counted it and pushed before answering the delivery
    await settle();
    expect(client.getFlagCheck("queries")).toMatchObject({ featureUsage: 3, value: false });

    release.shift()!();
    await settle();
    expect(client.getSnapshot().queue.pending).toBe(0);
    expect(client.getFlagCheck("queries")).toMatchObject({ featureUsage: 3, value: false });
    client.close();
  });

  it("a push lagging behind the next track counts only the tracks it grew by", async () => {
    flagApi();
    const release = holdDeliveries();
    const [client, socket] = await liveClient({ flags: [queries(0)] });
    void client.track({ event: "query", company: COMPANY });
    await settle(200);
    release.shift()!(); // the first query delivered; its push has not come
    await settle();
    expect(client.getFlagCheck("queries")?.featureUsage).toBe(1);
    void client.track({ event: "query", company: COMPANY });
    await settle(200); // the second on its way
    expect(client.getFlagCheck("queries")?.featureUsage).toBe(2);

    socket.receive({ flags: [queries(1)] }); // the first query's push, late
    await settle();
    expect(client.getFlagCheck("queries")?.featureUsage).toBe(2);
    socket.receive({ flags: [queries(2)] }); // the second's
    await settle();
    expect(client.getFlagCheck("queries")?.featureUsage).toBe(2);
    release.shift()!();
    await settle();
    expect(client.getFlagCheck("queries")?.featureUsage).toBe(2);

    // Delivered before any push counted it: owed until one does.
    void client.track({ event: "query", company: COMPANY });
    await settle(200);
    release.shift()!();
    await settle();
    expect(client.getFlagCheck("queries")).toMatchObject({ featureUsage: 3, value: false });
    socket.receive({ flags: [queries(3)] });
    await settle();
    expect(client.getFlagCheck("queries")).toMatchObject({ featureUsage: 3, value: false });
    client.close();
  });

  it("close() and the last unmount close the socket without reconnecting; a later mount opens it again", async () => {
    flagApi();
    const lifecycle = fakeLifecycle();
    const [client, socket] = await liveClient({ flags: [] }, { lifecycle });
    client.unmount();
    expect(socket.closedWith).toBe(1000);
    await settle(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);

    client.mount();
    await settle();
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.messages).toMatchObject([{ data: { company: COMPANY } }]);

    client.close();
    expect(FakeWebSocket.last.closedWith).toBe(1000);
    await settle(120_000);
    expect(FakeWebSocket.all).toHaveLength(2);
    expect((lifecycle as unknown as { listeners: number }).listeners).toBe(0);
  });

  it("a mount undone before the live code loaded opens nothing", async () => {
    flagApi();
    const client = createClient({ live: true, webSocket: FakeWebSocket });
    client.mount();
    client.unmount();
    await settle();
    expect(FakeWebSocket.all).toHaveLength(0);
    client.mount();
    client.close();
    await settle();
    expect(FakeWebSocket.all).toHaveLength(0);
  });

  it.each([
    ["live with another key", { live: { uri: "wss://x" } }],
    ["live with a URL of another scheme", { live: { url: "ftp://example.com" } }],
    ["live as a string", { live: "wss://example.com" }],
    ["webSocket that is not a class", { webSocket: "ws" }],
  ])("refuses %s with SchematicConfigError naming the option", (_, options) => {
    expect(() => createClient(options as never)).toThrow(SchematicConfigError);
    expect(() => createClient(options as never)).toThrow(
      new RegExp(`^Schematic: ${Object.keys(options)[0]} must be`),
    );
  });

  it("live: { url } sets the WebSocket base", async () => {
    flagApi();
    const [client, socket] = await liveClient({ flags: [] }, { live: { url: "wss://live.example.com/" } });
    expect(socket.url).toBe(`wss://live.example.com/flags/bootstrap?apiKey=${KEY}`);
    client.close();
  });
});
