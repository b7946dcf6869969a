/**
 * The `schematic-emulator` command: parses arguments, starts the server,
 * prints its URL, and stops cleanly (writing the data file) on SIGINT or
 * SIGTERM. Everything process-wide is injected, so tests run it in-process.
 */
import { parseArgs } from "node:util";
import { createEmulatorCore } from "./emulatorCore";
import { emulatorDefaults } from "./options";
import { type StartEmulatorOptions, startServer } from "./server";

/** What the CLI talks to; `process` by default. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Where SIGINT/SIGTERM arrive. */
  signals: { once(signal: "SIGINT" | "SIGTERM", listener: () => void): unknown };
  /** Called with the server once it listens (tests use it). */
  onStart?(url: string): void;
}

const USAGE = `Usage: schematic-emulator [options]

A Schematic-compatible API on your machine.

Options:
  --port <n>          port to listen on; 0 picks a free one (default ${emulatorDefaults.port})
  --host <host>       interface to bind (default ${emulatorDefaults.host})
  --data <file>       load the store from this JSON file and keep it saved there
  --flags <file>      flags to answer (JSON; see the README for the format)
  --fail-rate <0..1>  share of API requests answered 503
  --latency <ms>      delay before every API answer
  --rate-limit <n>    API requests per second; the rest get 429 with Retry-After
  -h, --help          show this help`;

class UsageError extends Error {}

function number(value: string | undefined, name: string, check: (n: number) => boolean, what: string) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`--${name} must be ${what} (got "${value}")`);
  }
  return n;
}

/** Parses the command line into `startEmulator` options; `undefined` means help was asked for. */
export function parseCliArgs(argv: string[]): StartEmulatorOptions | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        data: { type: "string" },
        flags: { type: "string" },
        "fail-rate": { type: "string" },
        latency: { type: "string" },
        "rate-limit": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return undefined;
  const text = (name: string) => values[name] as string | undefined;
  const port = number(text("port"), "port", (n) => Number.isInteger(n) && n >= 0 && n <= 65535, "0..65535");
  const failRate = number(text("fail-rate"), "fail-rate", (n) => n >= 0 && n <= 1, "between 0 and 1");
  const latency = number(text("latency"), "latency", (n) => n >= 0, "a non-negative number of ms");
  const rateLimit = number(
    text("rate-limit"),
    "rate-limit",
    (n) => n > 0,
    "a positive number of requests a second",
  );
  return {
    port: port ?? emulatorDefaults.port,
    host: text("host") ?? emulatorDefaults.host,
    ...(text("data") !== undefined && { dataFile: text("data") }),
    ...(text("flags") !== undefined && { flags: text("flags") }),
    ...(failRate !== undefined && { failRate }),
    ...(latency !== undefined && { latency }),
    ...(rateLimit !== undefined && { rateLimit }),
  };
}

const processIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  signals: process,
};

/**
 * Runs the CLI until SIGINT/SIGTERM; resolves with the exit code
 * (0 after a clean stop, 1 when the emulator cannot start, 2 for bad arguments).
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let options: StartEmulatorOptions | undefined;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    io.stderr(`schematic-emulator: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    io.stdout(USAGE);
    return 0;
  }
  let running: Awaited<ReturnType<typeof startServer>>;
  try {
    // The core alone: a command-line server has no use for msw handlers, so msw is never loaded.
    running = await startServer(createEmulatorCore, options);
  } catch (error) {
    io.stderr(`schematic-emulator: ${(error as Error).message}`);
    return 1;
  }
  const faults = [
    options.failRate ? `fail-rate ${options.failRate}` : "",
    options.latency ? `latency ${options.latency} ms` : "",
    options.rateLimit ? `rate-limit ${options.rateLimit}/s` : "",
  ].filter(Boolean);
  io.stdout(`Schematic emulator listening on ${running.url}`);
  io.stdout(`  inspector: ${running.url}/`);
  if (options.dataFile) io.stdout(`  data file: ${options.dataFile}`);
  if (typeof options.flags === "string") {
    const count = Object.keys(running.emulator.store.getFlags().flags).length;
    io.stdout(`  flags:     ${count} from ${options.flags}`);
  }
  if (faults.length > 0) io.stdout(`  faults:    ${faults.join(", ")}`);
  io.onStart?.(running.url);

  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    io.signals.once("SIGINT", () => resolve("SIGINT"));
    io.signals.once("SIGTERM", () => resolve("SIGTERM"));
  });
  const signal = await stopped;
  io.stdout(`Received ${signal}, stopping…`);
  try {
    await running.close();
  } catch (error) {
    io.stderr(`schematic-emulator: ${(error as Error).message}`);
    return 1;
  }
  io.stdout("Stopped.");
  return 0;
}
