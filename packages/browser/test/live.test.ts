/** The live socket: what it sends, when it reconnects, and how it follows the page. */
import { isSchematicConfigError, type WireFlagCheck } from "@schematic-sdk/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { WebSocket as NodeWebSocket, WebSocketServer } from "ws";
import { LiveConnection, type LiveConnectionOptions, type LivePush } from "../src/live";
import { FakeWebSocket } from "./fakeWebSocket";
import { fakeLifecycle } from "./helpers";

const KEY = "api_live_0123456789";
const VERSION = "@schematic-sdk/browser@1.2.3";
const ACME = { company: { id: "acme" }, user: { id: "ann" } };
const flag = (name: string, value: boolean): WireFlagCheck => ({ flag: name, value, reason: "test" });

function setup(options: Partial<LiveConnectionOptions> = {}) {
  const lifecycle = fakeLifecycle();
  const pushes: LivePush[] = [];
  const warn = vi.fn();
  const live = new LiveConnection({
    url: "ws://127.0.0.1:8787",
    apiKey: KEY,
    clientVersion: VERSION,
    webSocket: FakeWebSocket,
    lifecycle,
    onMessage: (push) => pushes.push(push),
    warn,
    random: () => 0.999_999,
    ...options,
  });
  return { live, lifecycle, pushes, warn };
}

/** The delay of retry `attempt` (0 first) with the test's `random`. */
const delayOf = (attempt: number) => Math.floor(0.999_999 * Math.min(30_000, 1000 * 2 ** attempt));

describe("LiveConnection with a fake socket", () => {
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00.000Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("opens one socket to /flags/bootstrap and sends the context once it opens", () => {
    const { live } = setup({ url: "wss://api.example.com/" });
    live.setContext({ context: ACME });
    live.open();
    live.open();
    expect(FakeWebSocket.all).toHaveLength(1);
    const socket = FakeWebSocket.last;
    expect(socket.url).toBe(`wss://api.example.com/flags/bootstrap?apiKey=${KEY}`);
    expect(socket.sent).toEqual([]);
    socket.accept();
    expect(socket.sent).toEqual([
      `{"apiKey":"${KEY}","clientVersion":"${VERSION}","data":{"company":{"id":"acme"},"user":{"id":"ann"}}}`,
    ]);
  });

  it.each([
    ["http://127.0.0.1:8787", "ws://127.0.0.1:8787"],
    ["https://api.schematichq.com/", "wss://api.schematichq.com"],
    ["ws://localhost:1234//", "ws://localhost:1234"],
  ])("takes %s as the WebSocket base %s", (url, base) => {
    const { live } = setup({ url });
    live.open();
    expect(FakeWebSocket.last.url).toBe(`${base}/flags/bootstrap?apiKey=${KEY}`);
  });

  it("encodes the key in the URL", () => {
    const { live } = setup({ apiKey: "api_a+b/c d" });
    live.open();
    expect(FakeWebSocket.last.url).toBe("ws://127.0.0.1:8787/flags/bootstrap?apiKey=api_a%2Bb%2Fc%20d");
  });

  it("sends an empty context when none was set", () => {
    const { live } = setup();
    live.open();
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.messages).toEqual([{ apiKey: KEY, clientVersion: VERSION, data: {} }]);
  });

  it("sends each context change on the same socket, and the same context (in any key order) never again", () => {
    const { live } = setup();
    live.setContext({ context: ACME });
    live.open();
    const socket = FakeWebSocket.last;
    socket.accept();
    live.setContext({ context: { user: { id: "ann" }, company: { id: "acme" } } });
    expect(socket.sent).toHaveLength(1);
    live.setContext({ context: { company: { id: "globex" } } });
    live.setContext({ context: { company: { id: "globex" } } });
    expect(FakeWebSocket.all).toHaveLength(1);
    expect(socket.messages.map((m) => (m as { data: unknown }).data)).toEqual([
      ACME,
      { company: { id: "globex" } },
    ]);
  });

  it("sends only the latest context when it changed while connecting", () => {
    const { live } = setup();
    live.open();
    live.setContext({ context: ACME });
    live.setContext({ context: { company: { id: "globex" } } });
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.messages).toEqual([
      { apiKey: KEY, clientVersion: VERSION, data: { company: { id: "globex" } } },
    ]);
  });

  it("is connected once the current context is answered, and drops an answer to an earlier context", () => {
    const { live, pushes } = setup();
    live.setContext({ context: ACME });
    live.open();
    const socket = FakeWebSocket.last;
    expect(live.connected).toBe(false);
    socket.accept();
    expect(live.connected).toBe(false);
    socket.receive({ flags: [flag("a", true)], plan: null, credit_balances: {} });
    expect(live.connected).toBe(true);
    expect(pushes).toEqual([{ flags: [flag("a", true)], plan: null, credit_balances: {} }]);

    live.setContext({ context: { company: { id: "globex" } } });
    expect(live.connected).toBe(false);
    socket.receive({ flags: [flag("a", false)] }); // globex's answer
    expect(live.connected).toBe(true);
    socket.receive({ flags: [flag("b", true)] }); // a later push for globex
    expect(pushes.slice(1)).toEqual([{ flags: [flag("a", false)] }, { flags: [flag("b", true)] }]);
  });

  it("drops the answer to a context replaced before it was answered", () => {
    const { live, pushes } = setup();
    live.setContext({ context: ACME });
    live.open();
    const socket = FakeWebSocket.last;
    socket.accept();
    live.setContext({ context: { company: { id: "globex" } } });
    live.setContext({ context: { ...ACME } }); // back to acme: sent again, a third answer is due
    expect(socket.sent).toHaveLength(3);
    socket.receive({ flags: [flag("a", true)] }); // the first acme's answer: acme's values
    expect(pushes).toEqual([{ flags: [flag("a", true)] }]);
    expect(live.connected).toBe(false); // two answers are still due
    socket.receive({ flags: [flag("a", false)] }); // globex's answer: not this context's
    expect(live.connected).toBe(false);
    expect(pushes).toHaveLength(1);
    socket.receive({ flags: [flag("a", true)] }); // acme's answer again
    expect(live.connected).toBe(true);
    expect(pushes).toHaveLength(2);
  });

  it("ignores messages that are not flag pushes, and an error answer leaves the context unanswered", () => {
    const { live, pushes } = setup();
    live.open();
    const socket = FakeWebSocket.last;
    socket.accept();
    socket.receive({ error: "Invalid context message" });
    expect(live.connected).toBe(false);
    socket.receive("not json");
    socket.receive({ hello: 1 });
    socket.receive("null");
    expect(pushes).toEqual([]);
    expect(live.connected).toBe(false);
    live.setContext({ context: ACME });
    socket.receive({ flags: [flag("a", true)] });
    expect(live.connected).toBe(true);
    expect(pushes).toEqual([{ flags: [flag("a", true)] }]);
  });

  it("reconnects with full jitter, 1 s doubling to 30 s, and resends the context each time", async () => {
    const { live } = setup();
    live.setContext({ context: ACME });
    live.open();
    for (let attempt = 0; attempt < 7; attempt++) {
      const count = FakeWebSocket.all.length;
      FakeWebSocket.last.drop();
      await vi.advanceTimersByTimeAsync(delayOf(attempt) - 1);
      expect(FakeWebSocket.all).toHaveLength(count);
      await vi.advanceTimersByTimeAsync(1);
      expect(FakeWebSocket.all).toHaveLength(count + 1);
    }
    expect(delayOf(6)).toBe(29_999);
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.messages).toEqual([{ apiKey: KEY, clientVersion: VERSION, data: ACME }]);
    expect(live.connected).toBe(false);
    FakeWebSocket.last.receive({ flags: [flag("a", true)] });
    expect(live.connected).toBe(true);
  });

  it("draws each delay from the whole range [0, ceiling)", async () => {
    const draws = [0, 0.5];
    const { live } = setup({ random: () => draws.shift() ?? 0 });
    live.open();
    FakeWebSocket.last.drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last.drop();
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeWebSocket.all).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.all).toHaveLength(3);
  });

  it("starts the backoff over after a healthy minute open, not after a shorter one", async () => {
    const { live } = setup();
    live.open();
    for (let attempt = 0; attempt < 3; attempt++) {
      FakeWebSocket.last.drop();
      await vi.advanceTimersByTimeAsync(delayOf(attempt));
    }
    FakeWebSocket.last.accept();
    await vi.advanceTimersByTimeAsync(59_000);
    FakeWebSocket.last.drop(); // open 59 s: the next delay keeps growing
    let count = FakeWebSocket.all.length;
    await vi.advanceTimersByTimeAsync(delayOf(3) - 1);
    expect(FakeWebSocket.all).toHaveLength(count);
    await vi.advanceTimersByTimeAsync(1);
    FakeWebSocket.last.accept();
    await vi.advanceTimersByTimeAsync(60_000);
    FakeWebSocket.last.drop(); // open a minute: back to the first delay
    count = FakeWebSocket.all.length;
    await vi.advanceTimersByTimeAsync(delayOf(0));
    expect(FakeWebSocket.all).toHaveLength(count + 1);
  });

  it("stops for good on close code 4001 and says so once, without the key", async () => {
    const { live, lifecycle, warn } = setup();
    live.open();
    FakeWebSocket.last.accept();
    FakeWebSocket.last.drop(4001);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("refused the key (4001)"));
    expect(vi.getTimerCount()).toBe(0);
    lifecycle.emit("online");
    lifecycle.emit("pagehide");
    lifecycle.emit("pageshow");
    live.close();
    live.open();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    expect(live.connected).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0])).toContain("4001");
    expect(String(warn.mock.calls[0])).not.toContain(KEY);
  });

  it("closes on pagehide (no reconnect while hidden) and reopens at once on pageshow", async () => {
    const { live, lifecycle } = setup();
    live.setContext({ context: ACME });
    live.open();
    const first = FakeWebSocket.last;
    first.accept();
    first.receive({ flags: [] });
    lifecycle.emit("pagehide");
    expect(first.closedWith).toBe(1000);
    expect(live.connected).toBe(false);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    lifecycle.emit("pageshow");
    expect(FakeWebSocket.all).toHaveLength(2);
    FakeWebSocket.last.accept();
    expect(FakeWebSocket.last.messages).toEqual([{ apiKey: KEY, clientVersion: VERSION, data: ACME }]);
  });

  it("pagehide while a reconnect is pending cancels it", async () => {
    const { live, lifecycle } = setup();
    live.open();
    FakeWebSocket.last.drop();
    expect(vi.getTimerCount()).toBe(1);
    lifecycle.emit("pagehide");
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it("offline, it waits for the online event instead of retrying", async () => {
    const { live, lifecycle } = setup();
    live.open();
    lifecycle.isOnline = false;
    FakeWebSocket.last.drop();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    lifecycle.isOnline = true;
    lifecycle.emit("online");
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it("a retry due while offline waits for the online event", async () => {
    const { live, lifecycle } = setup();
    live.open();
    FakeWebSocket.last.drop();
    lifecycle.isOnline = false;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeWebSocket.all).toHaveLength(1);
    lifecycle.isOnline = true;
    lifecycle.emit("online");
    expect(FakeWebSocket.all).toHaveLength(2);
    lifecycle.emit("online");
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it("does not open while offline; online opens it", () => {
    const { live, lifecycle } = setup();
    lifecycle.isOnline = false;
    live.open();
    expect(FakeWebSocket.all).toHaveLength(0);
    lifecycle.isOnline = true;
    lifecycle.emit("online");
    expect(FakeWebSocket.all).toHaveLength(1);
  });

  it("close() closes the socket, cancels the retry and stops listening to the page", async () => {
    const { live, lifecycle, pushes } = setup();
    live.open();
    const socket = FakeWebSocket.last;
    socket.accept();
    live.close();
    live.close();
    expect(socket.closedWith).toBe(1000);
    expect((lifecycle as unknown as { listeners: number }).listeners).toBe(0);
    socket.receive({ flags: [flag("a", true)] });
    expect(pushes).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(FakeWebSocket.all).toHaveLength(1);

    live.open();
    FakeWebSocket.last.drop();
    expect(vi.getTimerCount()).toBe(1);
    live.close();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(FakeWebSocket.all).toHaveLength(2);
  });

  it("retries when the WebSocket constructor throws", async () => {
    let throws = true;
    class Flaky extends FakeWebSocket {
      constructor(url: string) {
        if (throws) throw new SyntaxError("bad url");
        super(url);
      }
    }
    const log = vi.fn();
    const { live } = setup({ webSocket: Flaky, log });
    live.open();
    expect(FakeWebSocket.all).toHaveLength(0);
    throws = false;
    await vi.advanceTimersByTimeAsync(delayOf(0));
    expect(FakeWebSocket.all).toHaveLength(1);
    expect(log).toHaveBeenCalled();
  });

  it("refuses to be built with no WebSocket to use", () => {
    const saved = globalThis.WebSocket;
    // @ts-expect-error a runtime without WebSocket
    delete globalThis.WebSocket;
    try {
      expect(() => setup({ webSocket: undefined })).toThrow(/webSocket/);
      expect(isSchematicConfigError(catchError(() => setup({ webSocket: undefined })))).toBe(true);
    } finally {
      globalThis.WebSocket = saved;
    }
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("LiveConnection with a real WebSocket server", () => {
  it("sends the exact context message, applies the answer, and stops on 4001", async () => {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise<void>((resolve) => wss.once("listening", resolve));
    const { port } = wss.address() as { port: number };
    const received: { url: string | undefined; message: string }[] = [];
    wss.on("connection", (socket, request) => {
      socket.on("message", (data) => {
        received.push({ url: request.url, message: String(data) });
        if (received.length === 1) socket.send(JSON.stringify({ flags: [flag("f", true)], plan: null }));
        else socket.close(4001, "refused");
      });
    });
    const pushes: LivePush[] = [];
    const warn = vi.fn();
    const live = new LiveConnection({
      url: `ws://127.0.0.1:${port}`,
      apiKey: KEY,
      clientVersion: VERSION,
      webSocket: NodeWebSocket,
      lifecycle: fakeLifecycle(),
      onMessage: (push) => pushes.push(push),
      warn,
    });
    try {
      live.setContext({ context: { company: { id: "c_1" }, user: { id: "u_1" } } });
      live.open();
      await vi.waitUntil(() => live.connected, { timeout: 5000 });
      expect(received).toEqual([
        {
          url: `/flags/bootstrap?apiKey=${KEY}`,
          message: `{"apiKey":"${KEY}","clientVersion":"${VERSION}","data":{"company":{"id":"c_1"},"user":{"id":"u_1"}}}`,
        },
      ]);
      expect(pushes).toEqual([{ flags: [flag("f", true)], plan: null }]);
      live.setContext({ context: { company: { id: "c_2" } } });
      await vi.waitUntil(() => warn.mock.calls.length > 0, { timeout: 5000 });
      expect(warn).toHaveBeenCalledTimes(1);
      expect(live.connected).toBe(false);
    } finally {
      live.close();
      await new Promise((resolve) => wss.close(resolve));
    }
  });
});
