/** What `debug` tells a developer: each request, retry and drop with its reason, unknown flags once, an unreachable host. */
import { HttpResponse, http } from "msw";
import { describe, expect, it, vi } from "vitest";
import { API, captureEvents, createClient, EVENTS, KEY, server, settle, useServer } from "./helpers";

useServer();

/** A client whose debug lines are collected as text. */
function debugged(options: Parameters<typeof createClient>[0] = {}) {
  const lines: string[] = [];
  const client = createClient({
    ...options,
    debug: (...args: unknown[]) =>
      lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" ")),
  });
  return { client, lines };
}

describe("debug lines", () => {
  it("go to a function given as debug: each request with method, URL, status and time", async () => {
    captureEvents();
    const console_ = vi.spyOn(console, "debug");
    const { client, lines } = debugged();
    await Promise.all([client.identify({ keys: { id: "u" } }), settle(200)]);
    expect(lines).toContainEqual(expect.stringMatching(/^POST https:\/\/c\.schematichq\.com\/e 200 \d+ ms$/));
    expect(lines).toContainEqual(expect.stringMatching(/^delivered identify [0-9a-f-]{36}/));
    expect(console_).not.toHaveBeenCalled();
    expect(lines.join("\n")).not.toContain(KEY);
    client.close();
  });

  it("say each retry's delay and reason, and a drop's reason, status, message and request id", async () => {
    server.use(
      http.post(`${EVENTS}/e`, ({ request }) =>
        request.headers.get("x-test") === null
          ? HttpResponse.json({ error: "busy" }, { status: 503 })
          : HttpResponse.json({}),
      ),
    );
    const { client, lines } = debugged({ maxAttempts: 2 });
    const result = client.track({ event: "query" });
    await settle(60_000);
    expect(await result).toMatchObject({ status: "dropped", reason: "attempts" });
    expect(lines).toContainEqual(
      expect.stringMatching(/^retry in \d+ ms: POST https:\/\/c\.schematichq\.com\/e failed with 503: busy$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^POST https:\/\/c\.schematichq\.com\/e 503 \d+ ms/));

    server.use(
      http.post(`${EVENTS}/e`, () =>
        HttpResponse.json({ error: "bad event" }, { status: 400, headers: { "x-request-id": "req_42" } }),
      ),
    );
    const refused = client.track({ event: "query" });
    await settle(200);
    expect(await refused).toMatchObject({ status: "dropped", reason: "rejected" });
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^dropped track [0-9a-f-]{36} rejected POST .*\/e failed with 400: bad event req_42$/,
      ),
    );
    client.close();
  });

  it("tell once per flag that the API does not know it", async () => {
    server.use(
      http.post(`${API}/flags/:key/check`, () =>
        HttpResponse.json({ data: { value: false, reason: "Flag not found" } }),
      ),
    );
    const { client, lines } = debugged({ flagCacheTtl: 0 });
    expect(await client.checkFlag("new-dashbord")).toBe(false);
    expect(await client.checkFlag("new-dashbord")).toBe(false);
    expect(lines.filter((line) => line.includes("not found"))).toEqual([
      'flag "new-dashbord" not found: check the key, or create the flag',
    ]);
    client.close();
  });
});

describe("a logger that throws", () => {
  it("never stops delivery or a flag check", async () => {
    const received = captureEvents();
    server.use(http.post(`${API}/flags/:key/check`, () => HttpResponse.json({ data: { value: true } })));
    const client = createClient({
      debug: () => {
        throw new Error("logger down");
      },
    });
    const results = await Promise.all([
      client.identify({ keys: { id: "u" } }),
      client.track({ event: "query" }),
      settle(200),
    ]);
    expect(results.slice(0, 2)).toEqual([{ status: "delivered" }, { status: "delivered" }]);
    expect(received).toHaveLength(2);
    expect(await client.checkFlag("on")).toBe(true);
    client.close();
  });
});

describe("an unreachable host", () => {
  it("is named once with a hint, debug on or off, while events stay queued", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const refused = Object.assign(new TypeError("Failed to fetch"), {});
    const client = createClient({
      apiUrl: "http://127.0.0.1:9",
      fetch: async () => {
        throw refused;
      },
    });
    void client.track({ event: "query" });
    await client.checkFlag("x");
    await settle(30_000);
    const hints = warn.mock.calls.map((args) => String(args[0]));
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatch(
      /^\[schematic\] cannot reach (http:\/\/127\.0\.0\.1:9|https:\/\/c\.schematichq\.com) \(.*Failed to fetch\): is it running, and is (apiUrl|eventUrl) right\?$/,
    );
    expect(client.getSnapshot().queue.pending).toBe(1);
    client.close();
  });
});
