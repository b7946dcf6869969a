/**
 * `@schematic-sdk/emulator/node`: the emulator over real HTTP on Node
 * (`startEmulator`), with an optional data file, as the `schematic-emulator`
 * CLI runs it. Never loads msw.
 */
export {
  type RequestLine,
  type RunningEmulator,
  type StartEmulatorOptions,
  startEmulator,
} from "./server";
