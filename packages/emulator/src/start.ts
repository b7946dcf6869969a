/** `startEmulator`: the emulator, msw handlers included, over real HTTP on 127.0.0.1. */
import { createEmulator } from "./emulator";
import { type RunningEmulator, type StartEmulatorOptions, startServer } from "./server";

/**
 * Starts the emulator on `http://127.0.0.1:8787` (or the given host and port).
 *
 * @example
 * ```ts
 * const { url, emulator, close } = await startEmulator({ port: 0, flags: "flags.json" });
 * // point the SDK's apiUrl and eventUrl at `url`
 * await close();
 * ```
 */
export function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  return startServer(createEmulator, options);
}
