/**
 * The command line never loads msw (a third of the emulator's start-up time
 * and memory): msw is mocked to fail the moment anything imports it.
 */
import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import type { CliIo } from "../src/runCli";

vi.mock("msw", () => {
  throw new Error("the command line imported msw");
});

describe("schematic-emulator start-up", () => {
  it("serves the API without importing msw", async () => {
    const { runCli } = await import("../src/runCli");
    const signals = new EventEmitter();
    let onStart: (url: string) => void = () => {};
    const started = new Promise<string>((resolve) => {
      onStart = resolve;
    });
    const errors: string[] = [];
    const io: CliIo = {
      stdout: () => {},
      stderr: (line) => errors.push(line),
      signals: signals as unknown as CliIo["signals"],
      onStart: (url) => onStart(url),
    };
    const done = runCli(["--port", "0"], io);
    const url = await Promise.race([
      started,
      done.then((code) => {
        throw new Error(`schematic-emulator exited with ${code}: ${errors.join("\n")}`);
      }),
    ]);
    const res = await fetch(`${url}/companies`, {
      method: "POST",
      headers: { "x-schematic-api-key": "sch_dev_cli" },
      body: JSON.stringify({ keys: { id: "c_1" } }),
    });
    expect(res.status).toBe(200);
    signals.emit("SIGINT");
    expect(await done).toBe(0);
  });
});
