import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  HttpClient,
  isSchematicApiError,
  isSchematicNetworkError,
  isSchematicTimeoutError,
  MAX_RESPONSE_BYTES,
  requestWithRetries,
  SchematicApiError,
  SchematicNetworkError,
  SchematicTimeoutError,
} from "../src/index";

const API = "https://api.test";
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

const client = (extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({
    baseUrl: `${API}/`,
    apiKey: "sch_dev_secret1234",
    clientVersion: "@schematic-sdk/core@1.0.0",
    ...extra,
  });

/** Captures the error a promise rejects with. */
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );

describe("HttpClient requests", () => {
  it("posts JSON with the key and version headers to the base URL and parses the answer", async () => {
    let seen: Request | undefined;
    let body: unknown;
    server.use(
      http.post(`${API}/companies`, async ({ request }) => {
        seen = request;
        body = await request.json();
        return HttpResponse.json({ data: { id: "comp_1" }, params: {} });
      }),
    );
    const result = await client({ headers: { "X-Extra": "1" } }).request({
      path: "/companies",
      body: { keys: { id: "c" } },
    });
    expect(result).toEqual({ data: { id: "comp_1" }, params: {} });
    expect(seen!.headers.get("x-schematic-api-key")).toBe("sch_dev_secret1234");
    expect(seen!.headers.get("x-schematic-client-version")).toBe("@schematic-sdk/core@1.0.0");
    expect(seen!.headers.get("content-type")).toBe("application/json;charset=UTF-8");
    expect(seen!.headers.get("x-extra")).toBe("1");
    expect(body).toEqual({ keys: { id: "c" } });
  });

  it("sends no key header when the client has none (browser events carry it in the body)", async () => {
    let header: string | null = "unset";
    server.use(
      http.post(`${API}/e`, ({ request }) => {
        header = request.headers.get("x-schematic-api-key");
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await expect(client({ apiKey: undefined }).request({ path: "/e", json: "{}" })).resolves.toBeUndefined();
    expect(header).toBeNull();
  });
});

describe("HttpClient bounds what it reads and tells what it sent", () => {
  it("fails a response that streams forever once it passes MAX_RESPONSE_BYTES, and cancels it", async () => {
    let cancelled = false;
    const chunk = new Uint8Array(64 * 1024).fill(32);
    const endless = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.enqueue(chunk),
      cancel: () => {
        cancelled = true;
      },
    });
    const fetch = async () => new Response(endless, { status: 200 });
    const error = await rejection(client({ fetch }).request({ path: "/users" }));
    expect(error).toBeInstanceOf(SchematicNetworkError);
    expect((error as Error).message).toMatch(
      new RegExp(`POST ${API}/users failed: the response body is over ${MAX_RESPONSE_BYTES} bytes`),
    );
    expect(cancelled).toBe(true);
  });

  it("reads a body within the bound whole, across chunks and multi-byte characters", async () => {
    const text = JSON.stringify({ name: "Zoë ".repeat(50_000) });
    server.use(http.post(`${API}/users`, () => new HttpResponse(text, { status: 200 })));
    expect(await client().request({ path: "/users" })).toEqual(JSON.parse(text));
  });

  it("tells onResult each request's method, URL, status and time, and its error", async () => {
    server.use(
      http.post(`${API}/ok`, () => HttpResponse.json({}, { status: 201 })),
      http.post(`${API}/bad`, () => HttpResponse.json({ error: "no" }, { status: 422 })),
    );
    const results: unknown[] = [];
    const c = client({ onResult: (result) => results.push(result) });
    await c.request({ path: "/ok" });
    await rejection(c.request({ path: "/bad" }));
    await rejection(
      client({
        onResult: (r) => results.push(r),
        fetch: () => Promise.reject(new TypeError("refused")),
      }).request({ path: "/x", method: "GET" }),
    );
    expect(results).toEqual([
      { method: "POST", url: `${API}/ok`, status: 201, ms: expect.any(Number), error: undefined },
      {
        method: "POST",
        url: `${API}/bad`,
        status: 422,
        ms: expect.any(Number),
        error: expect.any(SchematicApiError),
      },
      {
        method: "GET",
        url: `${API}/x`,
        status: undefined,
        ms: expect.any(Number),
        error: expect.any(SchematicNetworkError),
      },
    ]);
  });
});

describe("HttpClient maps failures to SchematicErrors", () => {
  it.each([400, 401, 404, 429, 500])(
    "maps %i to SchematicApiError with the server's message",
    async (status) => {
      server.use(
        http.post(`${API}/users`, () =>
          HttpResponse.json({ error: `problem ${status}` }, { status, headers: { "x-request-id": "req_9" } }),
        ),
      );
      const error = await rejection(client().request({ path: "/users", body: {} }));
      expect(error).toBeInstanceOf(SchematicApiError);
      expect(isSchematicApiError(error)).toBe(true);
      const e = error as SchematicApiError;
      expect(e).toMatchObject({ status, method: "POST", url: `${API}/users`, requestId: "req_9" });
      expect(e.body).toEqual({ error: `problem ${status}` });
      expect(e.message).toBe(`POST ${API}/users failed with ${status}: problem ${status}`);
      expect(e.message).not.toContain("sch_dev_secret1234");
    },
  );

  it("keeps a non-JSON error body as text", async () => {
    server.use(http.post(`${API}/users`, () => new HttpResponse("Bad Gateway", { status: 502 })));
    const e = (await rejection(client().request({ path: "/users" }))) as SchematicApiError;
    expect(e.body).toBe("Bad Gateway");
    expect(e.message).toContain("502: Bad Gateway");
  });

  it("reads Retry-After into the error", async () => {
    server.use(
      http.post(`${API}/e`, () => new HttpResponse(null, { status: 429, headers: { "Retry-After": "7" } })),
    );
    const e = (await rejection(client().request({ path: "/e" }))) as SchematicApiError;
    expect(e.retryAfter).toBe(7000);
  });

  it("maps a connection failure to SchematicNetworkError", async () => {
    server.use(http.post(`${API}/users`, () => HttpResponse.error()));
    const error = await rejection(client().request({ path: "/users" }));
    expect(error).toBeInstanceOf(SchematicNetworkError);
    expect(isSchematicNetworkError(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
  });

  it("maps a slow answer to SchematicTimeoutError", async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(
      (_url: string, init: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    const pending = rejection(client({ fetch, timeout: 500 }).request({ path: "/users" }));
    await vi.advanceTimersByTimeAsync(500);
    const error = await pending;
    expect(error).toBeInstanceOf(SchematicTimeoutError);
    expect(isSchematicTimeoutError(error)).toBe(true);
    expect((error as SchematicTimeoutError).timeout).toBe(500);
  });

  it("rejects with the caller's abort reason", async () => {
    server.use(http.post(`${API}/users`, () => new Promise<Response>(() => {})));
    const controller = new AbortController();
    const pending = rejection(client().request({ path: "/users", signal: controller.signal }));
    const reason = new Error("user left");
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });

  it("rejects at once when the signal is already aborted, sending nothing", async () => {
    const fetch = vi.fn();
    const error = await rejection(
      client({ fetch }).request({ path: "/users", signal: AbortSignal.abort("gone") }),
    );
    expect(error).toBe("gone");
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe("HttpClient retries", () => {
  it("retries 503 then succeeds, honouring Retry-After", async () => {
    vi.useFakeTimers();
    const times: number[] = [];
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        times.push(Date.now());
        calls += 1;
        return calls < 3
          ? new HttpResponse(null, { status: 503, headers: { "Retry-After": "2" } })
          : HttpResponse.json({ ok: true });
      }),
    );
    const pending = requestWithRetries(client(), { path: "/companies", retries: 2 });
    await vi.advanceTimersByTimeAsync(4_000);
    await expect(pending).resolves.toEqual({ ok: true });
    expect(calls).toBe(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(2000);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(2000);
  });

  it.each([400, 401, 403, 404, 409, 422])("never retries %i", async (status) => {
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.json({ error: "no" }, { status });
      }),
    );
    await rejection(requestWithRetries(client(), { path: "/companies", retries: 5 }));
    expect(calls).toBe(1);
  });

  it("gives up after the allowed retries with the last error", async () => {
    vi.useFakeTimers();
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.error();
      }),
    );
    const onRetry = vi.fn();
    const pending = rejection(requestWithRetries(client(), { path: "/companies", retries: 2, onRetry }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await pending).toBeInstanceOf(SchematicNetworkError);
    expect(calls).toBe(3);
    expect(onRetry).toHaveBeenCalledTimes(2);
    // Full jitter: the first retry waits less than the 1 s base, the second less than 2 s.
    expect(onRetry.mock.calls[0]![0].delay).toBeLessThan(1000);
    expect(onRetry.mock.calls[1]![0].delay).toBeLessThan(2000);
  });

  it("stops waiting for a retry when the caller aborts", async () => {
    vi.useFakeTimers();
    server.use(
      http.post(
        `${API}/companies`,
        () => new HttpResponse(null, { status: 503, headers: { "Retry-After": "60" } }),
      ),
    );
    const controller = new AbortController();
    const pending = rejection(
      requestWithRetries(client(), { path: "/companies", retries: 3, signal: controller.signal }),
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(new Error("stop"));
    expect(((await pending) as Error).message).toBe("stop");
  });
});
