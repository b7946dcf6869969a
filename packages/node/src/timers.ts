/**
 * Timers that never keep the process alive on their own (`unref` where the
 * runtime has it), read at call time so fake timers apply. No `node:` import:
 * runtimes without `unref` simply skip it.
 */
import type { Timers } from "@schematic-sdk/core";

export const backgroundTimers: Timers = {
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms) as unknown as { unref?: () => void };
    handle?.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
