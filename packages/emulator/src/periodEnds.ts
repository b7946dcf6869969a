/**
 * Calls back when usage periods end. Every windowed period (day, week,
 * month, all in UTC) ends at a UTC midnight, so one timer to the next
 * midnight covers them all; each call re-arms it. A timer that fires early
 * (a clock set by a test, a machine that slept) waits for the clock again.
 */
import { periodBounds } from "./periods";
import type { Timers } from "./timers";

/** Milliseconds past midnight to wait, so every clock reading taken after the call is in the new day. */
const SLACK = 5;

export interface PeriodEndParts {
  now: () => number;
  timers: Timers;
  onEnd: () => void;
}

/** Starts calling `onEnd` at every UTC midnight; returns a function that stops it. */
export function onPeriodEnds({ now, timers, onEnd }: PeriodEndParts): () => void {
  let handle: unknown;
  let stopped = false;
  const arm = (minimum: number) => {
    const at = now();
    const end = periodBounds("current_day", at).end;
    handle = timers.setTimeout(
      () => {
        if (stopped) return;
        if (now() < end) return arm(1000);
        onEnd();
        arm(SLACK);
      },
      Math.max(minimum, end - at + SLACK),
    );
  };
  arm(SLACK);
  return () => {
    stopped = true;
    timers.clearTimeout(handle);
  };
}
