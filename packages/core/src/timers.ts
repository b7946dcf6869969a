/**
 * Timers as a seam: every package schedules through this, so tests can use
 * fake timers and a runtime can supply its own (Node's `unref`, for one).
 */
export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Reads the global timer functions at call time, so `vi.useFakeTimers()` applies. */
export const defaultTimers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(
  ms: number,
  params: { timers?: Timers; signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const timers = params.timers ?? defaultTimers;
  const { signal } = params;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      timers.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = timers.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
