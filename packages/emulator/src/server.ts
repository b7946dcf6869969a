/**
 * The emulator over real HTTP with Node's `http` module (imported lazily, so
 * this file is harmless to bundle for a worker). The server converts Node
 * requests straight to the handler's plain objects, with keep-alive on, so
 * the per-request cost stays low under benchmarks. It takes the emulator's
 * factory: `startEmulator` passes `createEmulator`, the CLI the core alone
 * (no msw to load).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Emulator } from "./emulator";
import { type EmulatorCore, handlerOf } from "./emulatorCore";
import { type FlagsConfig, parseFlagsConfig } from "./flags";
import type { RequestHandler } from "./handler";
import { type EmulatorOptions, emulatorDefaults } from "./options";
import { loadDataFile, type Persistence, persistStore } from "./persistence";

/** Options of {@link startEmulator}: those of `createEmulator`, plus where to listen and persist. */
export interface StartEmulatorOptions extends Omit<EmulatorOptions, "flags"> {
  /** 0 picks a free port. @default 8787 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** A JSON file the store is loaded from and saved to (see `--data`). */
  dataFile?: string;
  /** Flags, or the path of a flags file. */
  flags?: FlagsConfig | string;
  /** Milliseconds between a change and the data file write. @default 250 */
  persistDelay?: number;
}

/** A started emulator. */
export interface RunningEmulator<E extends EmulatorCore = Emulator> {
  /** e.g. `http://127.0.0.1:8787` (no trailing slash). */
  url: string;
  port: number;
  emulator: E;
  /** Writes the data file now (when there is one). */
  flush(): Promise<void>;
  /** Stops listening, closes open connections and writes the data file. */
  close(): Promise<void>;
}

async function readFlagsFile(path: string): Promise<FlagsConfig> {
  const { readFile } = await import("node:fs/promises");
  try {
    return parseFlagsConfig(JSON.parse(await readFile(path, "utf8")));
  } catch (error) {
    throw new Error(`Cannot load flags file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function serve(handle: RequestHandler, maxBodyBytes: number) {
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
        },
        () => {
          res.writeHead(500, { "content-type": "application/json" });
          res.end('{"error":"Emulator error"}');
        },
      );
    });
  };
}

/** Makes an emulator with `create` and serves it (see `startEmulator`). */
export async function startServer<E extends EmulatorCore>(
  create: (options: EmulatorOptions) => E,
  options: StartEmulatorOptions = {},
): Promise<RunningEmulator<E>> {
  const { createServer } = await import("node:http");
  const { port = emulatorDefaults.port, host = emulatorDefaults.host, dataFile, flags, ...rest } = options;
  const emulator = create({
    ...rest,
    ...(flags !== undefined && { flags: typeof flags === "string" ? await readFlagsFile(flags) : flags }),
  });
  let persistence: Persistence | undefined;
  if (dataFile !== undefined) {
    await loadDataFile(emulator.store, dataFile);
    persistence = persistStore(
      emulator.store,
      dataFile,
      options.persistDelay ?? emulatorDefaults.persistDelay,
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? emulatorDefaults.maxBodyBytes;
  const server = createServer({ keepAlive: true }, serve(handlerOf(emulator), maxBodyBytes));
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
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => persistence?.close());
      return closing;
    },
  };
}
