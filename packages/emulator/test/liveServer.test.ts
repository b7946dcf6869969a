/** The live endpoint over a real HTTP server and real WebSocket clients. */
import { createServer, type Server } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { keyKind } from "../src/auth";
import {
  attachLiveServer,
  type LiveServer,
  type LiveServerOptions,
  type LiveUpgrade,
} from "../src/liveServer";
import { EmulatorStore } from "../src/store";
import { PUBLISHABLE, SECRET } from "./helpers";

interface Closed {
  code: number;
  reason: string;
}

/** A real client: its messages in order, as parsed JSON. */
class TestClient {
  readonly socket: WebSocket;
  readonly #queue: unknown[] = [];
  readonly #waiting: ((message: unknown) => void)[] = [];
  readonly opened: Promise<void>;
  readonly closed: Promise<Closed>;

  constructor(url: string, origin?: string) {
    this.socket = new WebSocket(url, origin === undefined ? {} : { origin });
    this.socket.on("message", (data) => {
      const message = JSON.parse(String(data));
      const waiter = this.#waiting.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
    });
    this.closed = new Promise((resolve) =>
      this.socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  /** Sends the context as the browser SDK does. */
  sendContext(data: unknown): void {
    this.socket.send(JSON.stringify({ apiKey: PUBLISHABLE, clientVersion: "test@1.0.0", data }));
  }

  /** The next message, or a failure after `ms`. */
  next(ms = 2000): Promise<unknown> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no message came")), ms);
      this.#waiting.push((message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  /**
   * Nothing was pushed for `context` (a known company's): the next message is
   * the answer to a probe context, whose answers differ. The socket is then
   * back on `context`.
   */
  async expectNoPush(context: unknown): Promise<void> {
    const probe = { company: { id: "probe" } };
    expect(answer(probe)).not.toEqual(answer(context));
    this.sendContext(probe);
    expect(await this.next()).toEqual(answer(probe));
    this.sendContext(context);
    expect(await this.next()).toEqual(answer(context));
  }
}

const FLAGS = {
  flags: {
    "pro-feature": { default: false, traits: [{ trait: "plan", value: "pro", result: true }] },
    "always-on": true,
  },
};

let store: EmulatorStore;
let server: Server;
let live: LiveServer;
let base: string;
let answersFor: number;
let refuseUpgrades = false;
let upgrades: LiveUpgrade[];
const sockets: TestClient[] = [];

/** What `POST /flags/check` answers for `context`, as a live message. */
function answer(context: unknown) {
  const { flags, plan } = store.checkFlags(context as never);
  return { flags, plan: plan ?? null, credit_balances: {} };
}

async function start(overrides: Partial<LiveServerOptions> = {}) {
  server = createServer((_request, response) => response.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  base = `ws://127.0.0.1:${address.port}`;
  live = await attachLiveServer({
    server,
    authenticate: (key) => (keyKind(key) === "publishable" ? "ok" : "refused"),
    answersFor: (context) => {
      answersFor++;
      const { flags, plan } = store.checkFlags(context);
      return { flags, plan: plan ?? null };
    },
    subscribe: (onChange) => store.onChange(onChange),
    shouldRefuseUpgrade: () => refuseUpgrades,
    allowOrigin: (origin) => origin === null || new URL(origin).hostname === "localhost",
    onUpgrade: (outcome) => upgrades.push(outcome),
    ...overrides,
  });
}

function client(key: string | null = PUBLISHABLE, path = "/flags/bootstrap", origin?: string): TestClient {
  const query = key === null ? "" : `?apiKey=${encodeURIComponent(key)}`;
  const socket = new TestClient(`${base}${path}${query}`, origin);
  sockets.push(socket);
  return socket;
}

/** A connected client that got its first answer for `context`. */
async function connected(context: unknown): Promise<TestClient> {
  const socket = client();
  await socket.opened;
  socket.sendContext(context);
  expect(await socket.next()).toEqual(answer(context));
  return socket;
}

const acme = { company: { id: "acme" } };
const globex = { company: { id: "globex" }, user: { id: "gus" } };

beforeEach(async () => {
  store = new EmulatorStore();
  store.setFlags(FLAGS);
  store.upsertCompany({ keys: { id: "acme" }, name: "Acme", traits: { plan: "free" } });
  store.upsertCompany({ keys: { id: "globex" }, name: "Globex", traits: { plan: "free" } });
  answersFor = 0;
  refuseUpgrades = false;
  upgrades = [];
  await start();
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.socket.terminate();
  await live.close();
  await new Promise((resolve) => server.close(resolve));
});

describe("attachLiveServer", () => {
  it("answers a context with every flag at once, in the wire's shape", async () => {
    const socket = client();
    await socket.opened;
    socket.sendContext(acme);
    const message = await socket.next();
    expect(message).toEqual({
      flags: [
        expect.objectContaining({ flag: "pro-feature", value: false }),
        expect.objectContaining({ flag: "always-on", value: true }),
      ],
      plan: null,
      credit_balances: {},
    });
    expect(message).toEqual(answer(acme));
    expect(live.clients()).toBe(1);
  });

  it("answers each context message, even one whose answers are the same", async () => {
    const socket = await connected(acme);
    socket.sendContext(acme);
    expect(await socket.next()).toEqual(answer(acme));
    socket.sendContext(globex);
    expect(await socket.next()).toEqual(answer(globex));
  });

  it("pushes when a change alters the context's answers", async () => {
    const socket = await connected(acme);
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    const pushed = (await socket.next()) as { flags: { flag: string; value: boolean }[] };
    expect(pushed.flags.find((f) => f.flag === "pro-feature")?.value).toBe(true);
    expect(pushed).toEqual(answer(acme));
  });

  it("pushes nothing when a change leaves the answers as they were", async () => {
    const socket = await connected(acme);
    store.upsertCompany({ keys: { id: "acme" }, name: "Acme Inc." });
    await socket.expectNoPush(acme);
  });

  it("pushes only to the context a change concerns, and computes a shared context once", async () => {
    const first = await connected(acme);
    const second = await connected(acme);
    const other = await connected(globex);
    answersFor = 0;
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    expect(await first.next()).toEqual(answer(acme));
    expect(await second.next()).toEqual(answer(acme));
    expect(answersFor).toBe(2); // acme once for two sockets, globex once
    await other.expectNoPush(globex);
  });

  it("a burst of changes is one push of where it ended, and none when it ended where it began", async () => {
    const socket = await connected(acme);
    answersFor = 0;
    const flip = (times: number) => {
      for (let i = 1; i <= times; i++) {
        store.upsertCompany({ keys: { id: "acme" }, traits: { plan: i % 2 ? "pro" : "free" } });
      }
    };
    flip(21); // ends on pro
    const pushed = (await socket.next()) as { flags: { flag: string; value: boolean }[] };
    expect(pushed.flags.find((f) => f.flag === "pro-feature")?.value).toBe(true);
    expect(answersFor).toBe(1);
    await socket.expectNoPush(acme);
    flip(20); // ends on free: a change from the pro pushed last
    expect(await socket.next()).toEqual(answer(acme));
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "free" } }); // back where it was
    await socket.expectNoPush(acme);
  });

  it("pushes the new context's changes after the client switched context", async () => {
    const socket = await connected(acme);
    socket.sendContext(globex);
    expect(await socket.next()).toEqual(answer(globex));
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    await socket.expectNoPush(globex);
    store.upsertCompany({ keys: { id: "globex" }, traits: { plan: "pro" } });
    expect(await socket.next()).toEqual(answer(globex));
  });

  it.each([
    ["a secret key", SECRET],
    ["a key of neither kind", "not-a-key"],
    ["no key", null],
  ])("closes with 4001 for %s", async (_name, key) => {
    const socket = client(key);
    await socket.opened;
    expect(await socket.closed).toEqual({ code: 4001, reason: "Invalid API key" });
    expect(upgrades).toEqual([{ path: "/flags/bootstrap", status: 101, refused: true }]);
  });

  it("says what is wrong with a bad context message and keeps the socket", async () => {
    const socket = await connected(acme);
    socket.socket.send("not json");
    expect(await socket.next()).toEqual({ error: "Invalid context message: the message must be JSON" });
    socket.sendContext({ company: { id: 5 } });
    expect(await socket.next()).toEqual({
      error: expect.stringMatching(/^Invalid context message: company\.id/),
    });
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    await socket.expectNoPush(globex); // no longer acme's: acme's change was not pushed
  });

  it("refuses upgrades under fault injection, with 503", async () => {
    refuseUpgrades = true;
    const socket = client();
    await expect(socket.opened).rejects.toThrow(/503/);
    refuseUpgrades = false;
    await connected(acme);
    expect(upgrades).toEqual([
      { path: "/flags/bootstrap", status: 503, fault: "fail" },
      { path: "/flags/bootstrap", status: 101 },
    ]);
  });

  it("takes pages of allowed origins only, with 403 for others", async () => {
    await expect(client(PUBLISHABLE, "/flags/bootstrap", "https://evil.example").opened).rejects.toThrow(
      /403/,
    );
    await client(PUBLISHABLE, "/flags/bootstrap", "http://localhost:5173").opened;
    expect(upgrades.map((u) => u.status)).toEqual([403, 101]);
  });

  it("answers 404 to another path", async () => {
    await expect(client(PUBLISHABLE, "/flags/other").opened).rejects.toThrow(/404/);
    expect(upgrades).toEqual([{ path: "/flags/other", status: 404 }]);
  });

  it("close() drops every socket, as a restart would, and takes no more upgrades", async () => {
    const first = await connected(acme);
    const second = await connected(globex);
    expect(live.clients()).toBe(2);
    await live.close();
    expect((await first.closed).code).toBe(1006);
    expect((await second.closed).code).toBe(1006);
    expect(live.clients()).toBe(0);
    store.upsertCompany({ keys: { id: "acme" }, traits: { plan: "pro" } });
    await expect(client().opened).rejects.toThrow();
  });
});
