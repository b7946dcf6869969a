/**
 * The emulator over real HTTP with Node's `http` module. The server converts
 * Node requests straight to the handler's plain objects, with keep-alive on,
 * so the per-request cost stays low under benchmarks. msw is never loaded.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Catalog, parseCatalog } from "./catalog";
import { type CatalogReload, watchCatalogFile } from "./catalogFile";
import { CorsPolicy } from "./cors";
import { createEmulator, type Emulator, internalsOf } from "./emulator";
import { type FlagsConfig, parseFlagsConfig } from "./flags";
import type { RequestHandler } from "./handler";
import { INSPECTOR_STREAM_PATH } from "./inspector/page";
import { createInspectorStream } from "./inspector/stream";
import { createLive, LIVE_PATH } from "./live";
import { checkOptionNames } from "./optionNames";
import { EMULATOR_OPTION_NAMES, type EmulatorOptions, emulatorDefaults } from "./options";
import { onPeriodEnds } from "./periodEnds";
import { loadDataFile, type Persistence, persistStore } from "./persistence";
import { globalTimers } from "./timers";
import { serveUpgrades } from "./upgrades";

/** One answered request, as the CLI prints it. */
export interface RequestLine {
  method: string;
  /** The path with its query string. */
  path: string;
  status: number;
  /** Milliseconds from the end of the request body to the answer. */
  ms: number;
  /** The injected fault that answered, if one did. */
  fault?: "fail" | "rate-limit";
}

/** Options of {@link startEmulator}: those of `createEmulator`, plus where to listen and persist. */
export interface StartEmulatorOptions extends Omit<EmulatorOptions, "flags" | "catalog"> {
  /** 0 picks a free port. @default 8787 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** A JSON file the store is loaded from and saved to (see `--data`). */
  dataFile?: string;
  /** Flags, or the path of a flags file. */
  flags?: FlagsConfig | string;
  /**
   * A catalog, or the path of a catalog file. A file is watched: each time it
   * changes it is read again and, when it is a good catalog, replaces the one
   * in use (live clients whose answers change get a push); a bad one is
   * reported through `onCatalogReload` and the previous catalog stays.
   */
  catalog?: Catalog | string;
  /** Called after the catalog file was read again (the CLI prints a line). */
  onCatalogReload?: (reload: CatalogReload) => void;
  /** Milliseconds between a change and the data file write. @default 250 */
  persistDelay?: number;
  /** Called after each answer (the CLI prints a line). */
  onRequest?: (line: RequestLine) => void;
  /** Milliseconds between a change and the live (WebSocket) pushes it causes. @default 10 */
  pushDelay?: number;
}

const START_OPTION_NAMES = [
  ...EMULATOR_OPTION_NAMES,
  "port",
  "host",
  "dataFile",
  "persistDelay",
  "onRequest",
  "pushDelay",
  "onCatalogReload",
] as const;

/** A started emulator. */
export interface RunningEmulator<E extends Emulator = Emulator> {
  /** e.g. `http://127.0.0.1:8787` (no trailing slash). */
  url: string;
  port: number;
  emulator: E;
  /** Writes the data file now (when there is one). */
  flush(): Promise<void>;
  /** Stops listening, closes open connections and writes the data file. */
  close(): Promise<void>;
}

async function readJsonFile<T>(path: string, what: string, parse: (value: unknown) => T): Promise<T> {
  const { readFile } = await import("node:fs/promises");
  try {
    return parse(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new Error(`Cannot load ${what} file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function serve(handle: RequestHandler, maxBodyBytes: number, onRequest?: (line: RequestLine) => void) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      const rawUrl = req.url ?? "/";
      const q = rawUrl.indexOf("?");
      const tooLarge = size > maxBodyBytes;
      const started = performance.now();
      handle({
        method: req.method ?? "GET",
        path: q === -1 ? rawUrl : rawUrl.slice(0, q),
        query: new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1)),
        header: (name) => {
          const value = req.headers[name];
          return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
        },
        body: size === 0 || tooLarge ? undefined : Buffer.concat(chunks, size).toString("utf8"),
        ...(tooLarge && { bodyTooLarge: true }),
      }).then(
        (reply) => {
          reply.headers["content-length"] = String(Buffer.byteLength(reply.body));
          res.writeHead(reply.status, reply.headers);
          res.end(reply.body);
          onRequest?.({
            method: req.method ?? "GET",
            path: rawUrl,
            status: reply.status,
            ms: performance.now() - started,
            ...(reply.fault && { fault: reply.fault }),
          });
        },
        () => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end('{"error":"Emulator error"}');
        },
      );
    });
  };
}

/**
 * Starts the emulator on `http://127.0.0.1:8787` (or the given host and port).
 *
 * @example
 * ```ts
 * import { startEmulator } from "@schematic-sdk/emulator/node";
 *
 * const { url, emulator, close } = await startEmulator({ port: 0, catalog: "catalog.json" });
 * // point the SDK's apiUrl and eventUrl at `url`
 * await close();
 * ```
 */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  checkOptionNames(options, START_OPTION_NAMES, "startEmulator");
  const { createServer } = await import("node:http");
  const {
    port = emulatorDefaults.port,
    host = emulatorDefaults.host,
    dataFile,
    flags,
    catalog,
    persistDelay,
    onRequest,
    pushDelay,
    onCatalogReload,
    ...rest
  } = options;
  const emulator = createEmulator({
    ...rest,
    ...(flags !== undefined && {
      flags: typeof flags === "string" ? await readJsonFile(flags, "flags", parseFlagsConfig) : flags,
    }),
    ...(catalog !== undefined && {
      catalog: typeof catalog === "string" ? await readJsonFile(catalog, "catalog", parseCatalog) : catalog,
    }),
  });
  let persistence: Persistence | undefined;
  if (dataFile !== undefined) {
    await loadDataFile(emulator.store, dataFile);
    persistence = persistStore(emulator.store, dataFile, persistDelay ?? emulatorDefaults.persistDelay);
  }
  const maxBodyBytes = options.maxBodyBytes ?? emulatorDefaults.maxBodyBytes;
  const { handle, faults, inspectorToken } = internalsOf(emulator);
  const server = createServer({ keepAlive: true }, serve(handle, maxBodyBytes, onRequest));
  const timers = globalTimers;
  const live = createLive({
    store: emulator.store,
    faults,
    maxBodyDepth: rest.maxBodyDepth ?? emulatorDefaults.maxBodyDepth,
    pushDelay: pushDelay ?? emulatorDefaults.pushDelay,
    timers,
    onClients: () => inspector.touch(["stats"]),
  });
  const inspector = createInspectorStream({
    store: emulator.store,
    token: inspectorToken,
    timers,
    liveClients: () => live.clients,
  });
  const stopUpgrades = serveUpgrades(server, new CorsPolicy(rest.cors ?? []), {
    [LIVE_PATH]: live.handle,
    [INSPECTOR_STREAM_PATH]: inspector.handle,
  });
  // Usage periods ending change the answers of contexts with metered usage: they get a push.
  const stopPeriods = onPeriodEnds({
    now: () => (rest.now ?? Date.now)(),
    timers,
    onEnd: () => {
      live.changed();
      inspector.touch(["companies"]);
    },
  });
  const stopWatching =
    typeof catalog === "string"
      ? watchCatalogFile({
          path: catalog,
          timers,
          apply: (next) => emulator.store.setCatalog(next),
          ...(onCatalogReload && { report: onCatalogReload }),
        })
      : () => {};
  const stopLive = () => {
    stopWatching();
    stopPeriods();
    stopUpgrades();
    live.close();
    inspector.close();
  };
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    stopLive();
    await persistence?.close();
    throw error;
  }
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${actualPort}`,
    port: actualPort,
    emulator,
    flush: async () => persistence?.flush(),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        stopLive();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => persistence?.close());
      return closing;
    },
  };
}
