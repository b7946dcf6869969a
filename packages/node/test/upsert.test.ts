import { HttpResponse, http } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  SchematicApiError,
  SchematicClient,
  SchematicConfigError,
  SchematicNetworkError,
  SchematicTimeoutError,
  SchematicValidationError,
} from "../src/index";
import { API, client, KEY, rejection, server, silentLogger, wireCompany, wireUser } from "./helpers";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

describe("construction", () => {
  it.each([
    [{}, /apiKey is missing; pass your secret API key \(sch_…\)/],
    [{ apiKey: "" }, /apiKey is missing/],
    [
      { apiKey: "api_pub_1234567890" },
      /publishable key \(api_…\), which is for browsers; .* secret key \(sch_…\)/,
    ],
    [{ apiKey: KEY, timeout: -1 }, /timeout must be a number of milliseconds ≥ 1; got -1/],
    [{ apiKey: KEY, maxRetries: 1.5 }, /maxRetries must be a whole number ≥ 0; got 1.5/],
    [{ apiKey: KEY, maxBatchSize: 0 }, /maxBatchSize must be a whole number ≥ 1/],
    [{ apiKey: KEY, apiUrl: "not a url" }, /apiUrl must be an http\(s\) URL/],
    [{ apiKey: KEY, eventUrl: "ftp://x" }, /eventUrl must be an http\(s\) URL/],
    [{ apiKey: KEY, fetch: "fetch" }, /fetch must be a function/],
    [{ apiKey: KEY, headers: { a: 1 } }, /headers must be an object of strings/],
    [{ apiKey: KEY, logger: {} }, /logger must be an object with debug, info, warn and error methods/],
    [
      { apiKey: KEY, logLevel: "loud" },
      /logLevel must be "debug" or "info" or "warn" or "error"; got "loud"/,
    ],
    [
      { apiKey: KEY, apiURL: "http://127.0.0.1:8787" },
      /SchematicClient: unknown option "apiURL" — did you mean "apiUrl"\?/,
    ],
    [
      { apiKey: KEY, flushIntervall: 100 },
      /unknown option "flushIntervall" — did you mean "flushInterval"\?/,
    ],
    [{ apiKey: KEY, publishableKey: "x" }, /unknown option "publishableKey".*Known options: apiKey, apiUrl/],
    [
      { apiKey: KEY, flushInterval: "1000" },
      /flushInterval must be a number of milliseconds ≥ 1; got "1000"/,
    ],
    [{ apiKey: KEY, apiUrl: "127.0.0.1:8787" }, /apiUrl must be an http\(s\) URL with its scheme/],
    [{ apiKey: KEY, offline: "yes" }, /offline must be true or false; got "yes"/],
    [{ apiKey: KEY, hooks: { beforeSend: [] } }, /"beforeSend" is not a hook: use beforeRequest/],
    [{ apiKey: KEY, flagCache: { get() {} } }, /flagCache must be an object with get\(key\) and set/],
  ])("refuses %o with SchematicConfigError", (options, message) => {
    expect(() => new SchematicClient(options as never)).toThrow(SchematicConfigError);
    expect(() => new SchematicClient(options as never)).toThrow(message);
  });

  it("never puts a key in its messages", () => {
    try {
      new SchematicClient({ apiKey: "api_pub_secretish_9999" });
    } catch (error) {
      expect((error as Error).message).not.toContain("api_pub_secretish_9999");
    }
  });

  it("sends nothing until called", () => {
    const fetch = vi.fn();
    client({ fetch });
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("upsertCompany", () => {
  it("posts the WIRE.md shape and returns the record camel-cased, keys as a map, times as Dates", async () => {
    let request: Request | undefined;
    let body: unknown;
    server.use(
      http.post(`${API}/companies`, async ({ request: r }) => {
        request = r;
        body = await r.json();
        return HttpResponse.json({
          data: wireCompany(
            { id: "c_1", stripeCustomerId: "cus_1" },
            { user_count: 3, traits: { seats: 5 } },
          ),
          params: {},
        });
      }),
    );
    const company = await client().upsertCompany({
      keys: { id: "c_1", stripeCustomerId: "cus_1" },
      name: "Acme",
      traits: { seats: 5, plan: "pro" },
      lastSeenAt: new Date("2030-01-01T00:00:00Z"),
    });
    expect(request!.method).toBe("POST");
    expect(request!.headers.get("x-schematic-api-key")).toBe(KEY);
    expect(request!.headers.get("content-type")).toMatch(/^application\/json/);
    expect(request!.headers.get("x-schematic-client-version")).toMatch(/^@schematic-sdk\/node@/);
    expect(body).toEqual({
      keys: { id: "c_1", stripeCustomerId: "cus_1" },
      name: "Acme",
      traits: { seats: 5, plan: "pro" },
      last_seen_at: "2030-01-01T00:00:00.000Z",
    });
    expect(company).toEqual({
      id: "comp_1",
      name: "Acme",
      keys: { id: "c_1", stripeCustomerId: "cus_1" },
      traits: { seats: 5 },
      userCount: 3,
      environmentId: "env_1",
      createdAt: new Date("2030-01-01T00:00:00.000Z"),
      updatedAt: new Date("2030-01-01T00:00:00.000Z"),
      lastSeenAt: null,
    });
  });

  it("sends update_only when asked", async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/companies`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ data: wireCompany({ id: "c" }), params: {} });
      }),
    );
    await client().upsertCompany({ keys: { id: "c" }, updateOnly: true });
    expect(body).toEqual({ keys: { id: "c" }, update_only: true });
  });

  it.each([
    ["no keys", { name: "x" }, "keys"],
    ["a number key", { keys: { id: 42 } }, "keys.id"],
    ["a nested trait", { keys: { id: "c" }, traits: { a: { b: 1 } } }, "traits.a"],
    ["a bad lastSeenAt", { keys: { id: "c" }, lastSeenAt: "yesterday" }, "lastSeenAt"],
    ["a name that is not a string", { keys: { id: "c" }, name: 7 }, "name"],
  ])("throws for %s before any request", async (_label, input, path) => {
    const error = (await rejection(client().upsertCompany(input as never))) as SchematicValidationError;
    expect(error).toBeInstanceOf(SchematicValidationError);
    expect(error.issues.map((i) => i.path)).toContain(path);
  });
});

describe("upsertUser", () => {
  it("posts company keys and returns the membership company ids", async () => {
    let body: unknown;
    server.use(
      http.post(`${API}/users`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ data: wireUser({ id: "u_1" }, ["comp_1"]), params: {} });
      }),
    );
    const user = await client().upsertUser({ keys: { id: "u_1" }, company: { id: "c_1" }, name: "Ann" });
    expect(body).toEqual({ keys: { id: "u_1" }, company: { id: "c_1" }, name: "Ann" });
    expect(user.companyIds).toEqual(["comp_1"]);
    expect(user.keys).toEqual({ id: "u_1" });
    expect(user.lastSeenAt).toEqual(new Date("2030-01-01T00:00:00.000Z"));
  });

  it("refuses a bad company before any request", async () => {
    const error = (await rejection(
      client().upsertUser({ keys: { id: "u" }, company: { id: "" } }),
    )) as SchematicValidationError;
    expect(error.issues[0]).toEqual({ path: "company.id", message: "must not be empty" });
  });
});

describe("failures", () => {
  it("throws SchematicApiError with the server's message, and never retries a 400", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.json({ error: "Invalid keys" }, { status: 400 });
      }),
    );
    const error = (await rejection(client().upsertCompany({ keys: { id: "c" } }))) as SchematicApiError;
    expect(error).toBeInstanceOf(SchematicApiError);
    expect(error.status).toBe(400);
    expect(error.message).toContain("Invalid keys");
    expect(calls).toBe(1);
  });

  it.each([401, 403, 404, 409, 422])("never retries %i", async (status) => {
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.json({ error: "no" }, { status });
      }),
    );
    await rejection(client().upsertCompany({ keys: { id: "c" } }));
    expect(calls).toBe(1);
  });

  it.each([408, 429, 500, 502, 503])("retries %i twice by default, then throws it", async (status) => {
    vi.useFakeTimers();
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.json({ error: "busy" }, { status });
      }),
    );
    const pending = rejection(client().upsertCompany({ keys: { id: "c" } }));
    await vi.advanceTimersByTimeAsync(10_000);
    const error = (await pending) as SchematicApiError;
    expect(error.status).toBe(status);
    expect(calls).toBe(3);
  });

  it("recovers when a retry succeeds, waiting as long as Retry-After says", async () => {
    vi.useFakeTimers();
    const at: number[] = [];
    server.use(
      http.post(`${API}/companies`, () => {
        at.push(Date.now());
        return at.length === 1
          ? new HttpResponse(null, { status: 429, headers: { "Retry-After": "3" } })
          : HttpResponse.json({ data: wireCompany({ id: "c" }), params: {} });
      }),
    );
    const pending = client().upsertCompany({ keys: { id: "c" } });
    await vi.advanceTimersByTimeAsync(3000);
    await expect(pending).resolves.toMatchObject({ id: "comp_1" });
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(3000);
  });

  it("throws at once when Retry-After asks for more than 30 s, rather than retrying early", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.json({ error: "slow down" }, { status: 429, headers: { "Retry-After": "120" } });
      }),
    );
    const error = (await rejection(client().upsertCompany({ keys: { id: "c" } }))) as SchematicApiError;
    expect(error).toBeInstanceOf(SchematicApiError);
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(120_000);
    expect(calls).toBe(1);
  });

  it("maxRetries: 0 sends once", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return new HttpResponse(null, { status: 503 });
      }),
    );
    await rejection(client({ maxRetries: 0 }).upsertCompany({ keys: { id: "c" } }));
    expect(calls).toBe(1);
  });

  it("throws SchematicNetworkError when the server cannot be reached", async () => {
    server.use(http.post(`${API}/companies`, () => HttpResponse.error()));
    vi.useFakeTimers();
    const pending = rejection(client().upsertCompany({ keys: { id: "c" } }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toBeInstanceOf(SchematicNetworkError);
  });

  it("hands a fetch option the JSON body as a string, the headers once each, and a hook the same request", async () => {
    const seen: { body: unknown; headers: Record<string, string> }[] = [];
    const fetch = async (_url: string, init: RequestInit) => {
      seen.push({ body: init.body, headers: init.headers as Record<string, string> });
      return new Response(JSON.stringify({ data: wireCompany({ id: "c" }), params: {} }), { status: 200 });
    };
    await client({ fetch }).upsertCompany({ keys: { id: "c" } });
    const bodies: string[] = [];
    const beforeRequest = async (request: Request) => void bodies.push(await request.clone().text());
    await client({ fetch, hooks: { beforeRequest: [beforeRequest] } }).upsertCompany({ keys: { id: "c" } });
    expect(seen[0]!.body).toBe(JSON.stringify({ keys: { id: "c" } }));
    expect(bodies).toEqual([seen[0]!.body]);
    for (const { headers } of seen) {
      expect(headers).toMatchObject({
        "content-type": "application/json;charset=UTF-8",
        "x-schematic-api-key": KEY,
      });
      expect(Object.keys(headers).every((name) => name === name.toLowerCase())).toBe(true);
    }
  });

  it("throws SchematicTimeoutError after the per-call timeout", async () => {
    vi.useFakeTimers();
    const fetch = (_url: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    const pending = rejection(
      client({ fetch, maxRetries: 0 }).upsertCompany({ keys: { id: "c" } }, { timeout: 250 }),
    );
    await vi.advanceTimersByTimeAsync(250);
    const error = (await pending) as SchematicTimeoutError;
    expect(error).toBeInstanceOf(SchematicTimeoutError);
    expect(error.timeout).toBe(250);
  });

  it("rejects with the abort reason when the caller aborts", async () => {
    server.use(http.post(`${API}/users`, () => new Promise<Response>(() => {})));
    const controller = new AbortController();
    const pending = rejection(client().upsertUser({ keys: { id: "u" } }, { signal: controller.signal }));
    controller.abort(new Error("request cancelled"));
    expect(((await pending) as Error).message).toBe("request cancelled");
  });

  it("logs retries without the key", async () => {
    vi.useFakeTimers();
    const logger = { ...silentLogger(), debug: vi.fn() };
    server.use(http.post(`${API}/companies`, () => new HttpResponse(null, { status: 503 })));
    const pending = rejection(client({ logger, logLevel: "debug" }).upsertCompany({ keys: { id: "c" } }));
    await vi.advanceTimersByTimeAsync(10_000);
    await pending;
    expect(logger.debug).toHaveBeenCalled();
    expect(JSON.stringify(logger.debug.mock.calls)).not.toContain(KEY);
  });
});
