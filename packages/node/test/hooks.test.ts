/**
 * The request/response calls go through ky: the user's hooks run, ky's
 * retry honours our policy, and ky's errors never reach the caller.
 */
import { HttpResponse, http } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  isSchematicApiError,
  SchematicApiError,
  SchematicNetworkError,
  SchematicTimeoutError,
} from "../src/index";
import { API, batchRecorder, client, rejection, server, wireCompany } from "./helpers";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const company = () => HttpResponse.json({ data: wireCompany({ id: "c" }), params: {} });

describe("hooks", () => {
  it("beforeRequest adds a header to upserts and flag checks, not to batches", async () => {
    const traced: (string | null)[] = [];
    server.use(
      http.post(`${API}/companies`, ({ request }) => {
        traced.push(request.headers.get("traceparent"));
        return company();
      }),
      http.post(`${API}/flags/:flag/check`, ({ request }) => {
        traced.push(request.headers.get("traceparent"));
        return HttpResponse.json({ data: { flag: "f", value: true, reason: "on" }, params: {} });
      }),
    );
    const batches = batchRecorder();
    const beforeRequest = vi.fn((request: Request) => {
      request.headers.set("traceparent", "00-abc-def-01");
    });
    const schematic = client({ hooks: { beforeRequest: [beforeRequest] } });
    await schematic.upsertCompany({ keys: { id: "c" } });
    expect(await schematic.checkFlag("f", { company: { id: "c" } })).toBe(true);
    schematic.track({ event: "e" });
    await schematic.flush();
    expect(traced).toEqual(["00-abc-def-01", "00-abc-def-01"]);
    expect(beforeRequest).toHaveBeenCalledTimes(2);
    expect(batches).toHaveLength(1);
  });

  it("afterResponse sees each status, beforeRetry each retry, beforeError ky's error while the caller gets ours", async () => {
    vi.useFakeTimers();
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return HttpResponse.json({ error: "busy" }, { status: 503, headers: { "x-request-id": "req_9" } });
      }),
    );
    const statuses: number[] = [];
    const retries: number[] = [];
    const seenByHook: string[] = [];
    const schematic = client({
      maxRetries: 2,
      hooks: {
        afterResponse: [(_request, _options, response) => void statuses.push(response.status)],
        beforeRetry: [({ retryCount }) => void retries.push(retryCount)],
        beforeError: [
          (error) => {
            seenByHook.push(error.name);
            return error;
          },
        ],
      },
    });
    const pending = rejection(schematic.upsertCompany({ keys: { id: "c" } }));
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await pending;
    expect(calls).toBe(3);
    expect(statuses).toEqual([503, 503, 503]);
    expect(retries).toEqual([1, 2]);
    expect(seenByHook).toEqual(["HTTPError", "HTTPError", "HTTPError"]);
    expect(error).toBeInstanceOf(SchematicApiError);
    expect(error).toMatchObject({
      name: "SchematicApiError",
      status: 503,
      body: { error: "busy" },
      method: "POST",
      url: `${API}/companies`,
      requestId: "req_9",
    });
    expect(error.message).toContain("busy");
  });
});

describe("ky's retry on our policy", () => {
  it("retries a POST after a full-jitter delay drawn from the shared policy", async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const at: number[] = [];
    server.use(
      http.post(`${API}/companies`, () => {
        at.push(Date.now());
        return at.length === 1 ? new HttpResponse(null, { status: 502 }) : company();
      }),
    );
    const pending = client().upsertCompany({ keys: { id: "c" } });
    await vi.advanceTimersByTimeAsync(499);
    expect(at).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ id: "comp_1" });
    // The first retry waits up to 1 s (baseDelay): half of it with random() = 0.5.
    expect(at[1]! - at[0]!).toBe(500);
  });
});

describe("errors at the boundary", () => {
  it.each([
    ["a network failure", () => HttpResponse.error(), SchematicNetworkError],
    ["a 500", () => new HttpResponse("<html>oops</html>", { status: 500 }), SchematicApiError],
  ])("%s becomes a Schematic error, never one of ky's", async (_what, answer, type) => {
    vi.useFakeTimers();
    server.use(http.post(`${API}/companies`, answer));
    const pending = rejection(client().upsertCompany({ keys: { id: "c" } }));
    await vi.advanceTimersByTimeAsync(10_000);
    const error = await pending;
    expect(error).toBeInstanceOf(type);
    expect(error.name).toMatch(/^Schematic/);
    expect(error.constructor.name).not.toMatch(/HTTPError|TimeoutError/);
  });

  it("a proxy's HTML error page is kept as the body text", async () => {
    server.use(
      http.post(`${API}/companies`, () => new HttpResponse("<h1>Bad gateway</h1>", { status: 400 })),
    );
    const error = await rejection(client().upsertCompany({ keys: { id: "c" } }));
    expect(isSchematicApiError(error)).toBe(true);
    expect((error as SchematicApiError).body).toBe("<h1>Bad gateway</h1>");
  });

  it("ky's timeout becomes SchematicTimeoutError, and is retried like a network error", async () => {
    vi.useFakeTimers();
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 60_000));
        return company();
      }),
    );
    const pending = rejection(client({ timeout: 100, maxRetries: 1 }).upsertCompany({ keys: { id: "c" } }));
    await vi.advanceTimersByTimeAsync(5_000);
    const error = await pending;
    expect(error).toBeInstanceOf(SchematicTimeoutError);
    expect(error.message).toContain("timed out after 100 ms");
    expect(calls).toBe(2);
  });

  it("logLevel debug prints each request and each retry, without the key", async () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const logger = { debug: (...a: unknown[]) => lines.push(a.join(" ")), info() {}, warn() {}, error() {} };
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return calls === 1
          ? new HttpResponse(null, { status: 503, headers: { "Retry-After": "1" } })
          : company();
      }),
    );
    const pending = client({ logger, logLevel: "debug" }).upsertCompany({ keys: { id: "c" } });
    await vi.advanceTimersByTimeAsync(1000);
    await pending;
    expect(lines).toEqual([
      expect.stringMatching(/^\[schematic\] POST \/companies 503 \d+ ms$/),
      "[schematic] retry 1 of POST /companies (status 503; Retry-After 1 s)",
      expect.stringMatching(/^\[schematic\] POST \/companies 200 \d+ ms$/),
    ]);
  });
});
