/**
 * The `schematic-emulator` command: parses arguments, starts the server,
 * prints its URL and then one line per request, and stops cleanly (writing
 * the data file) on SIGINT or SIGTERM. Everything process-wide is injected,
 * so tests run it in-process.
 */
import { parseArgs } from "node:util";
import { emulatorDefaults } from "./options";
import { type RequestLine, type StartEmulatorOptions, startEmulator } from "./server";

/** What the CLI talks to; `process` by default. */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Whether stdout is a terminal (request lines are coloured only then). */
  isTTY?: boolean;
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
  --catalog <file>    features, plans and entitlements (JSON; see the README);
                      read again whenever the file changes
  --cors <origin>     also let this browser origin call the emulator (repeatable;
                      loopback origins always may)
  --fail-rate <0..1>  share of API requests answered 503
  --latency <ms>      delay before every API answer
  --rate-limit <n>    API requests per second; the rest get 429 with Retry-After
  -q, --quiet         do not print a line per request
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

/** What the command line asks for: `startEmulator` options and whether to print request lines. */
export type CliOptions = StartEmulatorOptions & { quiet?: boolean };

/** Parses the command line; `undefined` means help was asked for. */
export function parseCliArgs(argv: string[]): CliOptions | undefined {
  let values: Record<string, string | string[] | boolean | undefined>;
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
        catalog: { type: "string" },
        cors: { type: "string", multiple: true },
        quiet: { type: "boolean", short: "q" },
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
    ...(text("catalog") !== undefined && { catalog: text("catalog") }),
    ...(values.cors !== undefined && { cors: values.cors as string[] }),
    ...(values.quiet === true && { quiet: true }),
    ...(failRate !== undefined && { failRate }),
    ...(latency !== undefined && { latency }),
    ...(rateLimit !== undefined && { rateLimit }),
  };
}

const COLOURS = {
  ok: "\x1b[32m",
  redirect: "\x1b[36m",
  client: "\x1b[33m",
  server: "\x1b[31m",
  dim: "\x1b[2m",
};
const RESET = "\x1b[0m";

/** `POST /companies 200 1.3 ms`, plus the fault that answered; coloured by status on a terminal. */
export function formatRequestLine(line: RequestLine, colour: boolean): string {
  const fault = line.fault ? ` [fault: ${line.fault}]` : "";
  const ms = `${line.ms.toFixed(1)} ms`;
  if (!colour) return `${line.method} ${line.path} ${line.status} ${ms}${fault}`;
  const tone =
    line.status >= 500
      ? COLOURS.server
      : line.status >= 400
        ? COLOURS.client
        : line.status >= 300
          ? COLOURS.redirect
          : COLOURS.ok;
  return `${line.method} ${line.path} ${tone}${line.status}${RESET} ${COLOURS.dim}${ms}${RESET}${fault && `${COLOURS.server}${fault}${RESET}`}`;
}

const processIo: CliIo = {
  stdout: (line) => process.stdout.write(`${line}\n`),
  isTTY: process.stdout.isTTY === true,
  stderr: (line) => process.stderr.write(`${line}\n`),
  signals: process,
};

/**
 * Runs the CLI until SIGINT/SIGTERM; resolves with the exit code
 * (0 after a clean stop, 1 when the emulator cannot start, 2 for bad arguments).
 */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  let options: CliOptions | undefined;
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
  let running: Awaited<ReturnType<typeof startEmulator>>;
  const { quiet, ...startOptions } = options;
  const colour = io.isTTY === true;
  try {
    running = await startEmulator({
      ...startOptions,
      onCatalogReload: (reload) => {
        if ("error" in reload) {
          io.stderr(`schematic-emulator: kept the previous catalog: ${reload.path}: ${reload.error.message}`);
        } else {
          const { features, plans } = reload.catalog;
          io.stdout(
            `  catalog:   reloaded ${Object.keys(features).length} features, ${Object.keys(plans).length} plans from ${reload.path}`,
          );
        }
      },
      ...(!quiet && { onRequest: (line: RequestLine) => io.stdout(formatRequestLine(line, colour)) }),
    });
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
  if (typeof options.catalog === "string") {
    const { features, plans } = running.emulator.store.getCatalog();
    io.stdout(
      `  catalog:   ${Object.keys(features).length} features, ${Object.keys(plans).length} plans from ${options.catalog}`,
    );
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
