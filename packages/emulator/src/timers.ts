/**
 * The timer seam of the emulator's server: pushes, the inspector's stream
 * and period ends are scheduled through it. The default calls the global
 * functions when called (not when imported), so `vi.useFakeTimers()` takes
 * effect on a server already started.
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const globalTimers: Timers = {
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending push or period end never keeps a process alive on its own.
    (handle as { unref?: () => void }).unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
