/**
 * `@schematic-sdk/emulator/node`: everything of the main entry plus the
 * emulator over real HTTP on Node (`startEmulator`), with an optional data
 * file, as the `schematic-emulator` CLI runs it. Never loads msw.
 */

export type { CatalogReload } from "./catalogFile";
export * from "./index";
export {
  type RequestLine,
  type RunningEmulator,
  type StartEmulatorOptions,
  startEmulator,
} from "./server";
