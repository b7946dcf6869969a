import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backgroundTimers, foregroundTimers } from "../src/timers";

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("timers", () => {
  it("never fire before Date.now() says they are due (a Retry-After wait must not end early)", async () => {
    const fired = vi.fn();
    foregroundTimers.setTimeout(fired, 1000);
    // The timer clock runs 5 ms ahead of the wall clock, as Node's loop clock can.
    vi.setSystemTime(Date.now() - 5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("can be cleared, also after re-arming", async () => {
    const fired = vi.fn();
    const first = backgroundTimers.setTimeout(fired, 100);
    backgroundTimers.clearTimeout(first);
    const second = foregroundTimers.setTimeout(fired, 100);
    vi.setSystemTime(Date.now() - 50);
    await vi.advanceTimersByTimeAsync(100);
    foregroundTimers.clearTimeout(second);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).not.toHaveBeenCalled();
    expect(() => backgroundTimers.clearTimeout(undefined)).not.toThrow();
  });

  it("background timers are unref'd, foreground ones are not", () => {
    const spy = vi.spyOn(globalThis, "setTimeout");
    backgroundTimers.setTimeout(() => {}, 10);
    foregroundTimers.setTimeout(() => {}, 10);
    const [background, foreground] = spy.mock.results.map((r) => r.value as { hasRef(): boolean });
    expect(background!.hasRef()).toBe(false);
    expect(foreground!.hasRef()).toBe(true);
  });
});
