/**
 * The client's timers. Two things on top of the global functions, which are
 * read at call time so fake timers apply:
 *
 * - punctual: Node may fire a timer a millisecond or so before it is due
 *   (its loop clock lags), and a `Retry-After` wait must never end early, so
 *   an early callback re-arms for the rest; "due" is on the monotonic clock,
 *   so a wall clock stepped back never stretches a wait;
 * - `backgroundTimers` are unref'd where the runtime can (no `node:` import:
 *   runtimes without `unref` skip it), so the idle event buffer never keeps
 *   the process alive, while `foregroundTimers` (anything a caller awaits) do.
 */
import { monotonicNow, type Timers } from "@schematic-sdk/core";

type Handle = { current: unknown };

function punctualTimers(unref: boolean): Timers {
  return {
    setTimeout(callback, ms) {
      const due = monotonicNow() + ms;
      const handle: Handle = { current: undefined };
      const arm = (wait: number) => {
        const timer = setTimeout(() => {
          const left = due - monotonicNow();
          if (left > 0) arm(left);
          else callback();
        }, wait) as unknown as { unref?: () => void };
        if (unref) timer?.unref?.();
        handle.current = timer;
      };
      arm(ms);
      return handle;
    },
    clearTimeout(handle) {
      const timer = (handle as Handle | undefined)?.current;
      if (timer !== undefined) clearTimeout(timer as ReturnType<typeof setTimeout>);
    },
  };
}

/** Timers that never keep the process alive on their own. */
export const backgroundTimers: Timers = punctualTimers(true);

/** Timers for waits someone awaits: they keep the process alive. */
export const foregroundTimers: Timers = punctualTimers(false);
