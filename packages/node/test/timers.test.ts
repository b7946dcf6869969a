import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backgroundTimers, foregroundTimers } from "../src/timers";

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe("timers", () => {
  /** Makes the monotonic clock read `ms` behind the timer clock, as Node's loop clock can run ahead of it. */
  function lagClock(ms: number) {
    const now = performance.now.bind(performance);
    vi.spyOn(performance, "now").mockImplementation(() => now() - ms);
  }

  it("never fire before the monotonic clock says they are due (a Retry-After wait must not end early)", async () => {
    const fired = vi.fn();
    foregroundTimers.setTimeout(fired, 1000);
    lagClock(5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("a wall clock stepped back does not stretch a wait", async () => {
    const fired = vi.fn();
    foregroundTimers.setTimeout(fired, 2000);
    vi.setSystemTime(Date.now() - 3_600_000);
    await vi.advanceTimersByTimeAsync(2000);
    expect(fired).toHaveBeenCalledTimes(1);
  });

  it("can be cleared, also after re-arming", async () => {
    const fired = vi.fn();
    const first = backgroundTimers.setTimeout(fired, 100);
    backgroundTimers.clearTimeout(first);
    const second = foregroundTimers.setTimeout(fired, 100);
    lagClock(50);
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
