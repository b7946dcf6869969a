/**
 * The default transport on Node: `node:http(s)` over real sockets on
 * 127.0.0.1, and `globalThis.fetch` once a test replaces it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  MAX_RESPONSE_BYTES,
  SchematicApiError,
  SchematicClient,
  type SchematicClientOptions,
  SchematicNetworkError,
  SchematicTimeoutError,
} from "../src/index";
import { silentLogger, wireCompany } from "./helpers";

const http = process.getBuiltinModule("node:http");
const https = process.getBuiltinModule("node:https");

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler;
let server: Server;
let url: string;
const seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  seen.length = 0;
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const json = (res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "Content-Type": "application/json", ...headers });
  res.end(JSON.stringify(value));
};

const connect = (options: Partial<SchematicClientOptions> = {}) =>
  new SchematicClient({
    apiKey: "sch_dev_transport",
    apiUrl: url,
    eventUrl: url,
    logger: silentLogger(),
    ...options,
  });

describe("default transport on Node", () => {
  it("sends through node:http, with the headers, length and UTF-8 body of the request", async () => {
    const request = vi.spyOn(http, "request");
    handler = (_req, _body, res) => json(res, 200, { data: wireCompany({ id: "zürich" }), params: {} });
    const company = await connect({ headers: { "X-Extra": "1" } }).upsertCompany({
      keys: { id: "zürich" },
      name: "Café ✓",
    });
    expect(company.keys).toEqual({ id: "zürich" });
    expect(request).toHaveBeenCalledTimes(1);
    const [sent] = seen;
    expect(sent).toMatchObject({ method: "POST", url: "/companies" });
    expect(sent!.headers).toMatchObject({
      "x-schematic-api-key": "sch_dev_transport",
      "x-extra": "1",
      "content-type": "application/json;charset=UTF-8",
      "content-length": String(Buffer.byteLength(sent!.body)),
    });
    expect(JSON.parse(sent!.body)).toEqual({ keys: { id: "zürich" }, name: "Café ✓" });
  });

  it("reuses one connection for sequential requests", async () => {
    const ports = new Set<number>();
    handler = (req, _body, res) => {
      ports.add(req.socket.remotePort!);
      json(res, 200, { data: wireCompany({ id: "a" }), params: {} });
    };
    const schematic = connect();
    for (let i = 0; i < 5; i++) await schematic.upsertCompany({ keys: { id: "a" } });
    expect(ports.size).toBe(1);
  });

  it("delivers buffered events as one POST /batch of UTF-8 JSON", async () => {
    handler = (_req, _body, res) => json(res, 200, {});
    const schematic = connect();
    schematic.track({ event: "query", traits: { city: "Zürich 🚀" } });
    await schematic.close();
    expect(seen.map((s) => s.url)).toEqual(["/batch"]);
    const { events } = JSON.parse(seen[0]!.body);
    expect(events[0]).toMatchObject({
      type: "track",
      body: { event: "query", traits: { city: "Zürich 🚀" } },
    });
  });

  it("maps a non-2xx answer to SchematicApiError with status, message and Retry-After", async () => {
    handler = (_req, _body, res) => json(res, 429, { error: "slow down" }, { "Retry-After": "60" });
    const error = await connect({ maxRetries: 0 })
      .upsertCompany({ keys: { id: "a" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchematicApiError);
    expect(error).toMatchObject({ status: 429, retryAfter: 60_000 });
    expect((error as Error).message).toContain("slow down");
  });

  it("times out a slow answer with SchematicTimeoutError and aborts with the caller's reason", async () => {
    handler = (_req, _body, res) => setTimeout(() => json(res, 200, {}), 2_000).unref();
    const schematic = connect({ maxRetries: 0 });
    await expect(schematic.upsertCompany({ keys: { id: "a" } }, { timeout: 50 })).rejects.toBeInstanceOf(
      SchematicTimeoutError,
    );
    const controller = new AbortController();
    const pending = schematic.upsertCompany({ keys: { id: "a" } }, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("user left")), 20);
    await expect(pending).rejects.toThrow("user left");
  });

  it("a timed-out attempt closes its connection and is retried; an answer trickling past the timeout times out", async () => {
    let attempts = 0;
    let firstClosed = false;
    handler = (req, _body, res) => {
      attempts += 1;
      if (attempts === 1) {
        res.on("close", () => {
          firstClosed = true;
        });
        setTimeout(() => json(res, 200, { data: wireCompany({ id: "late" }) }), 2_000).unref();
        return;
      }
      json(res, 200, { data: wireCompany({ id: req.url === "/companies" ? "a" : "?" }), params: {} });
    };
    const company = await connect({ maxRetries: 1 }).upsertCompany({ keys: { id: "a" } }, { timeout: 100 });
    expect(company.keys).toEqual({ id: "a" });
    expect(attempts).toBe(2);
    expect(firstClosed).toBe(true);

    // The head arrives in time, the body never finishes: the deadline covers the whole answer.
    handler = (_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write('{"data":');
      setTimeout(() => res.end("{}}"), 2_000).unref();
    };
    const started = performance.now();
    await expect(
      connect({ maxRetries: 0 }).upsertCompany({ keys: { id: "a" } }, { timeout: 100 }),
    ).rejects.toBeInstanceOf(SchematicTimeoutError);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("a connection closed in the middle of an answer is a SchematicNetworkError", async () => {
    handler = (_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "1000" });
      res.write('{"data":');
      setTimeout(() => res.socket?.destroy(), 10);
    };
    await expect(connect({ maxRetries: 0 }).upsertCompany({ keys: { id: "a" } })).rejects.toBeInstanceOf(
      SchematicNetworkError,
    );
  });

  it("uses node:https for an https URL", async () => {
    const request = vi.spyOn(https, "request");
    // Plain HTTP on the other end: the TLS handshake fails, which is a network error.
    handler = (_req, _body, res) => json(res, 200, {});
    const secure = connect({ apiUrl: url.replace("http:", "https:"), maxRetries: 0 });
    await expect(secure.upsertCompany({ keys: { id: "a" } })).rejects.toBeInstanceOf(SchematicNetworkError);
    expect(request).toHaveBeenCalledTimes(1);
  });

  it("on a runtime that names itself otherwise (a worker), always goes through globalThis.fetch", async () => {
    vi.resetModules();
    vi.stubGlobal("navigator", { userAgent: "Cloudflare-Workers" });
    const { defaultFetch } = await import("../src/transport");
    vi.unstubAllGlobals();
    const request = vi.spyOn(http, "request");
    handler = (_req, _body, res) => json(res, 200, { ok: true });
    const response = await defaultFetch(`${url}/companies`, { method: "POST", body: "{}" });
    expect(await response.text()).toBe('{"ok":true}');
    expect(request).not.toHaveBeenCalled();
    expect(seen).toHaveLength(1);
  });

  it("goes through globalThis.fetch once a test replaces it, and through the fetch option when given", async () => {
    const request = vi.spyOn(http, "request");
    const answer = () =>
      Promise.resolve(Response.json({ data: wireCompany({ id: "a" }), params: {} }, { status: 200 }));
    const stub = vi.fn(answer);
    vi.stubGlobal("fetch", stub);
    await connect().upsertCompany({ keys: { id: "a" } });
    expect(stub).toHaveBeenCalledTimes(1);
    vi.unstubAllGlobals();
    const own = vi.fn(answer);
    await connect({ fetch: own }).upsertCompany({ keys: { id: "a" } });
    expect(own).toHaveBeenCalledTimes(1);
    expect(request).not.toHaveBeenCalled();
    expect(seen).toHaveLength(0);
  });

  describe("a response body that never ends", () => {
    /** Streams 64 KiB chunks until the client goes away. */
    const endless: Handler = (_req, _body, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = `{"data":"${"x".repeat(64 * 1024)}`;
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
        if (!res.destroyed) res.once("drain", pump);
      };
      pump();
    };

    it.each([
      ["node:http", {}],
      ["a fetch", { fetch: (input: string, init: RequestInit) => globalThis.fetch(input, init) }],
    ])(
      "fails an upsert through %s with SchematicNetworkError naming the limit, and the process lives",
      async (_name, options) => {
        handler = endless;
        const error = await connect({ maxRetries: 0, ...options })
          .upsertCompany({ keys: { id: "a" } })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(SchematicNetworkError);
        expect((error as Error).message).toContain("4 MiB");
        expect(MAX_RESPONSE_BYTES).toBe(4 * 1024 * 1024);
      },
    );

    it("answers a flag check's fallback", async () => {
      handler = endless;
      expect(await connect().checkFlag("f", {}, { fallback: true })).toBe(true);
    });
  });

  it("close({ timeout }) against an event server that never answers resolves in time with what is pending", async () => {
    handler = () => {}; // never answers
    const schematic = connect();
    for (let i = 0; i < 3; i++) schematic.track({ event: "e" });
    const started = performance.now();
    const left = await schematic.close({ timeout: 300 });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(left).toEqual({ pending: 3 });
    server.closeAllConnections();
  });

  it("names an unreachable host with a hint, in the flag check's warning and the dropped batch's error", async () => {
    const warn = vi.fn();
    const error = vi.fn();
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise((resolve) => probe.close(resolve));
    const schematic = connect({
      apiUrl: closed,
      eventUrl: closed,
      maxEventAttempts: 1,
      logger: { ...silentLogger(), warn, error },
    });
    expect(await schematic.checkFlag("f", {}, { fallback: true })).toBe(true);
    schematic.track({ event: "e" });
    await schematic.close();
    expect(warn.mock.calls[0]!.join(" ")).toMatch(
      /cannot be reached: is the emulator running, is apiUrl right\?/,
    );
    expect(error.mock.calls[0]!.join(" ")).toMatch(/dropped 1 events.*is eventUrl right\?/);
  });
});

describe("ky over the transport, only where it does something", () => {
  /** Counts the fetch `Request`s built: ky builds one (and clones it) for every attempt it sends. */
  const countRequests = () => {
    const built = { count: 0 };
    vi.stubGlobal(
      "Request",
      class extends Request {
        constructor(...args: ConstructorParameters<typeof Request>) {
          super(...args);
          built.count++;
        }
      },
    );
    return built;
  };
  // An earlier test's client may still be retrying its batch against this server: only calls count here.
  const calls = () => seen.map((s) => s.url).filter((path) => path !== "/batch");
  const answers = (req: IncomingMessage, res: ServerResponse) =>
    req.url === "/companies"
      ? json(res, 200, { data: wireCompany({ id: "a" }), params: {} })
      : json(res, 200, { data: { flag: "beta", value: true, reason: "rule" }, params: {} });

  it("an upsert or flag check answered 2xx at once builds no Request; with hooks every attempt does, and they see it", async () => {
    handler = (req, _body, res) => answers(req, res);
    const built = countRequests();
    const schematic = connect();
    expect((await schematic.upsertCompany({ keys: { id: "a" } })).keys).toEqual({ id: "a" });
    expect(await schematic.checkFlag("beta", { company: { id: "a" } })).toBe(true);
    expect(calls()).toEqual(["/companies", "/flags/beta/check"]);
    expect(built.count).toBe(0);

    const hooked: string[] = [];
    const traced = connect({
      hooks: {
        beforeRequest: [
          (request) => {
            hooked.push(`${request.method} ${new URL(request.url).pathname}`);
            request.headers.set("traceparent", "00-abc-01");
          },
        ],
      },
    });
    await traced.upsertCompany({ keys: { id: "a" } });
    expect(hooked).toEqual(["POST /companies"]);
    expect(seen.filter((s) => s.url === "/companies")[1]!.headers.traceparent).toBe("00-abc-01");
    expect(built.count).toBeGreaterThan(0);
  });

  it("hooks get real objects where they can read them, and no Response is built for nobody", async () => {
    handler = (req, _body, res) => answers(req, res);
    let responses = 0;
    vi.stubGlobal(
      "Response",
      class extends Response {
        constructor(...args: ConstructorParameters<typeof Response>) {
          super(...args);
          responses++;
        }
      },
    );
    const bodies: string[] = [];
    const traced = connect({
      hooks: { beforeRequest: [async (request) => void bodies.push(await request.clone().text())] },
    });
    expect((await traced.upsertCompany({ keys: { id: "a" } })).keys).toEqual({ id: "a" });
    expect(bodies).toEqual([JSON.stringify({ keys: { id: "a" } })]);
    expect(seen.find((s) => s.url === "/companies")!.body).toBe(bodies[0]);
    expect(responses).toBe(0);

    const answered: [number, string][] = [];
    const observed = connect({
      hooks: {
        afterResponse: [
          async (_request, _options, response) => {
            answered.push([response.status, ((await response.json()) as { data: { id: string } }).data.id]);
          },
        ],
      },
    });
    expect((await observed.upsertCompany({ keys: { id: "a" } })).id).toBe("comp_1");
    expect(answered).toEqual([[200, "comp_1"]]);
    expect(responses).toBeGreaterThan(0);
  });

  it("a first attempt that failed becomes ky's first: not sent again, retried after Retry-After", async () => {
    let attempts = 0;
    handler = (req, _body, res) => {
      if (req.url === "/companies") attempts++;
      if (attempts === 1) json(res, 503, { error: "busy" }, { "Retry-After": "1" });
      else answers(req, res);
    };
    const built = countRequests();
    const started = performance.now();
    const company = await connect({ maxRetries: 2 }).upsertCompany({ keys: { id: "a" } });
    expect(company.keys).toEqual({ id: "a" });
    expect(calls()).toEqual(["/companies", "/companies"]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(built.count).toBeGreaterThan(0);
  });

  it("a first attempt refused with a 400 throws SchematicApiError after that one request", async () => {
    handler = (_req, _body, res) => json(res, 400, { error: "bad keys" });
    const error = await connect({ maxRetries: 2 })
      .upsertCompany({ keys: { id: "a" } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchematicApiError);
    expect(error).toMatchObject({ status: 400, method: "POST", url: `${url}/companies` });
    expect((error as Error).message).toContain("bad keys");
    expect(calls()).toEqual(["/companies"]);
  });
});
