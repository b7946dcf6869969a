/**
 * Calls back when usage periods end. Every windowed period (day, week,
 * month, all in UTC) ends at a UTC midnight, so one timer to the next
 * midnight covers them all; each call re-arms it. The timer never waits more
 * than a minute before reading the clock again, so a clock that jumps (a
 * machine that slept, a clock set by hand or by a test) is noticed within a
 * minute, and one that is behind is waited for.
 */
import { periodBounds } from "./periods";
import type { Timers } from "./timers";

/** Milliseconds past midnight to wait, so every clock reading taken after the call is in the new day. */
const SLACK = 5;
/** The longest wait before the clock is read again. */
const RECHECK = 60_000;

export interface PeriodEndParts {
  now: () => number;
  timers: Timers;
  onEnd: () => void;
}

/** Starts calling `onEnd` at every UTC midnight; returns a function that stops it. */
export function onPeriodEnds({ now, timers, onEnd }: PeriodEndParts): () => void {
  let handle: unknown;
  let stopped = false;
  const arm = () => {
    const at = now();
    const end = periodBounds("current_day", at).end;
    handle = timers.setTimeout(
      () => {
        if (stopped) return;
        if (now() >= end) onEnd();
        arm();
      },
      Math.min(RECHECK, Math.max(SLACK, end - at + SLACK)),
    );
  };
  arm();
  return () => {
    stopped = true;
    timers.clearTimeout(handle);
  };
}
