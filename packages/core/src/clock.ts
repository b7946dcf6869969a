/**
 * The two clocks of the SDK. Pauses, timeouts and freshness are measured on
 * the monotonic clock, which a wall-clock change (NTP, a user moving the
 * system time) never steps back or forward; wall time is only for the wire
 * (`sent_at`, an event's age). Both are read at call time, so fake timers apply.
 */

/** Milliseconds on a clock that only moves forward (`performance.now()`). */
export const monotonicNow = (): number => performance.now();

let lastMs = Number.NaN;
let lastIso = "";

/**
 * `Date#toISOString` of `ms` (default: now), formatted once per millisecond:
 * a burst of events shares one string.
 *
 * @example
 * isoTime(); // "2030-01-01T00:00:00.000Z"
 */
export function isoTime(ms: number = Date.now()): string {
  if (ms !== lastMs) {
    lastMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
