import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type RunningEmulator, type StartEmulatorOptions, startEmulator } from "../src/node";

/**
 * Real emulators on free ports, closed after each test, and a temporary
 * directory (removed after the file) for data files: `dir()` names it.
 */
export function useServers(prefix = "schematic-emulator-") {
  let dir = "";
  const running: RunningEmulator[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    start: async (options: StartEmulatorOptions = {}) => {
      const server = await startEmulator({ port: 0, ...options });
      running.push(server);
      return server;
    },
  };
}
