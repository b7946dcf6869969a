/** When usage periods end: at every UTC midnight, whatever the clock says in between. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { onPeriodEnds } from "../src/periodEnds";
import { globalTimers } from "../src/timers";

afterEach(() => {
  vi.useRealTimers();
});

describe("onPeriodEnds", () => {
  it("calls back just after each UTC midnight, and stops", async () => {
    vi.useFakeTimers({ now: Date.UTC(2030, 0, 31, 22, 0, 0) });
    const ends: string[] = [];
    const stop = onPeriodEnds({
      now: () => Date.now(),
      timers: globalTimers,
      onEnd: () => ends.push(new Date().toISOString()),
    });
    await vi.advanceTimersByTimeAsync(2 * 3600_000 - 1);
    expect(ends).toEqual([]);
    await vi.advanceTimersByTimeAsync(10); // Feb 1st: a day and a month end
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatch(/^2030-02-01T00:00:00\.00[0-5]Z$/);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(ends).toHaveLength(2);
    stop();
    await vi.advanceTimersByTimeAsync(3 * 24 * 3600_000);
    expect(ends).toHaveLength(2);
  });

  it("a clock that is behind is waited for; one that jumps past midnight is noticed within a minute", async () => {
    vi.useFakeTimers({ now: 0 });
    let clock = Date.UTC(2030, 5, 10, 23, 0, 0);
    const ends: number[] = [];
    const stop = onPeriodEnds({ now: () => clock, timers: globalTimers, onEnd: () => ends.push(clock) });
    clock -= 3600_000; // the clock is set back an hour: when the timer fires, it is only 23:00
    await vi.advanceTimersByTimeAsync(3600_000 + 10);
    expect(ends).toEqual([]);
    clock = Date.UTC(2030, 5, 11, 0, 0, 1); // jumps past midnight
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ends).toEqual([clock]);
    await vi.advanceTimersByTimeAsync(10 * 60_000); // the clock stands still: no second call
    expect(ends).toHaveLength(1);
    stop();
  });
});
