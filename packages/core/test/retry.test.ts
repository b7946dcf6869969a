import { afterEach, describe, expect, it, vi } from "vitest";
import {
  Backoff,
  isoTime,
  isRetryable,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  SchematicApiError,
  SchematicConfigError,
  SchematicNetworkError,
  SchematicTimeoutError,
  SchematicValidationError,
  withDefaults,
} from "../src/index";

const apiError = (status: number) => new SchematicApiError({ status, body: {}, method: "POST", url: "u" });

describe("which failures are retried", () => {
  it("retries 408, 429 and 5xx and nothing else", () => {
    for (const status of [408, 429, 500, 502, 503, 504]) expect(isRetryableStatus(status)).toBe(true);
    for (const status of [400, 401, 403, 404, 409, 413, 422]) expect(isRetryableStatus(status)).toBe(false);
  });

  it("retries network errors and timeouts, never validation or config errors", () => {
    expect(
      isRetryable(new SchematicNetworkError({ method: "POST", url: "u", cause: new TypeError("x") })),
    ).toBe(true);
    expect(isRetryable(new SchematicTimeoutError({ method: "POST", url: "u", timeout: 1 }))).toBe(true);
    expect(isRetryable(apiError(503))).toBe(true);
    expect(isRetryable(apiError(400))).toBe(false);
    expect(isRetryable(new SchematicValidationError([{ path: "keys", message: "x" }]))).toBe(false);
    expect(isRetryable(new SchematicConfigError("x"))).toBe(false);
    expect(isRetryable(new Error("x"))).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2030-01-01T00:00:00Z");
  it("reads delta seconds", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("1.5", now)).toBe(1500);
  });
  it("reads an HTTP date relative to now, a past date as 0", () => {
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 23:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});

describe("retryDelay", () => {
  it("uses full jitter below an exponential ceiling, the first retry within 1 s", () => {
    expect(retryDelay({ attempt: 0, random: () => 0.999 })).toBe(999);
    expect(retryDelay({ attempt: 0, random: () => 0 })).toBe(0);
    expect(retryDelay({ attempt: 3, random: () => 0.5 })).toBe(4000);
  });
  it("caps the backoff at 30 s however many attempts", () => {
    expect(retryDelay({ attempt: 50, random: () => 0.999999 })).toBeLessThan(30_000);
    expect(retryDelay({ attempt: 1000, random: () => 0.5 })).toBe(15_000);
  });
  it("waits exactly as long as Retry-After says, up to the cap", () => {
    expect(retryDelay({ attempt: 0, retryAfter: 5000, random: () => 0 })).toBe(5000);
    expect(retryDelay({ attempt: 0, retryAfter: 10_000_000 })).toBe(300_000);
    expect(retryDelay({ attempt: 0, retryAfter: 90_000, policy: { maxRetryAfter: 60_000 } })).toBe(60_000);
  });
});

describe("Backoff", () => {
  afterEach(() => vi.useRealTimers());

  it("pauses for the server's Retry-After on the monotonic clock, whatever the wall clock does", () => {
    vi.useFakeTimers({ toFake: ["Date", "performance", "setTimeout", "clearTimeout"] });
    const backoff = new Backoff();
    const tooMany = new SchematicApiError({
      status: 429,
      body: "",
      method: "POST",
      url: "/e",
      retryAfter: 2000,
    });
    expect(backoff.fail(tooMany, 0)).toBe(2000);
    vi.setSystemTime(Date.now() - 3_600_000);
    expect(backoff.wait()).toBe(2000);
    vi.advanceTimersByTime(2000);
    expect(backoff.wait()).toBe(0);
  });

  it("answers undefined for a failure not worth retrying and keeps sending open", () => {
    const backoff = new Backoff();
    const bad = new SchematicApiError({ status: 400, body: "", method: "POST", url: "/e" });
    expect(backoff.fail(bad, 0)).toBeUndefined();
    expect(backoff.wait()).toBe(0);
  });

  it("caps a long Retry-After at the policy's maxRetryAfter", () => {
    const backoff = new Backoff({ maxRetryAfter: 30_000 });
    const slow = new SchematicApiError({
      status: 503,
      body: "",
      method: "POST",
      url: "/e",
      retryAfter: 600_000,
    });
    expect(backoff.fail(slow, 0)).toBe(30_000);
  });
});

describe("withDefaults", () => {
  it("overlays the options that are set, keeping defaults for undefined ones", () => {
    const defaults = Object.freeze({ a: 1, b: 2 });
    expect(withDefaults(defaults, { b: undefined, c: 3 })).toEqual({ a: 1, b: 2, c: 3 });
    expect(defaults).toEqual({ a: 1, b: 2 });
  });
});

describe("isoTime", () => {
  it("formats wall time as ISO-8601 UTC with a Z", () => {
    expect(isoTime(Date.UTC(2030, 0, 1))).toBe("2030-01-01T00:00:00.000Z");
    expect(isoTime()).toMatch(/Z$/);
  });
});
