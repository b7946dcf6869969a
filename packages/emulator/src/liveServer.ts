/**
 * Live flag values over WebSocket (`GET /flags/bootstrap?apiKey=…`, see
 * WIRE.md), on a Node `http.Server`. A client sends its context; it gets
 * every flag for it at once, and again whenever a change of the store alters
 * its answers. Answers are compared as JSON, so a change that alters nothing
 * for a context sends it nothing. Node only (it loads `ws`): the web-standards
 * entry never imports this file.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { canonicalJson, type WireFlagCheck, type WirePlan } from "@schematic-sdk/core";
import type { WebSocket, WebSocketServer } from "ws";
import { type FlagContextInput, parseFlagContext } from "./validate";

/** What a context is answered with. */
export interface LiveAnswers {
  flags: WireFlagCheck[];
  plan: WirePlan | null;
}

export interface LiveServerOptions {
  /** The server whose `upgrade` requests are taken. */
  server: Server;
  /** @default "/flags/bootstrap" */
  path?: string;
  /** Whether the key in the URL's `apiKey` is taken; a refused key gets close code 4001. */
  authenticate(apiKey: string | null): "ok" | "refused";
  /** Every flag for a context (the answer of `POST /flags/check`). */
  answersFor(context: FlagContextInput): LiveAnswers;
  /** Calls `onChange` after each change that may alter answers; returns the unsubscribe function. */
  subscribe(onChange: () => void): () => void;
  /** Fault injection: true refuses this upgrade with 503. */
  shouldRefuseUpgrade?(): boolean;
  /** Whether a page of this `Origin` may connect (browsers send it; other clients may not); false answers 403. */
  allowOrigin?(origin: string | null): boolean;
  /** Told of each upgrade request and its outcome (for a request log). */
  onUpgrade?(outcome: LiveUpgrade): void;
}

/** One upgrade request: 101 accepted (then closed with 4001 when `refused`), 403, 404, or a 503 fault. */
export interface LiveUpgrade {
  path: string;
  status: 101 | 403 | 404 | 503;
  fault?: "fail";
  /** The key was refused: the socket was closed with 4001. */
  refused?: true;
}

export interface LiveServer {
  /** Closes every socket (as a restart would) and stops taking upgrades. */
  close(): Promise<void>;
  /** Sockets connected now. */
  clients(): number;
}

/** The close code of a refused key (the hosted API's): clients do not reconnect. */
export const REFUSED_CLOSE_CODE = 4001;
/** A context message is a few hundred bytes; anything near this is not one. */
const MAX_MESSAGE_BYTES = 64 * 1024;

interface Client {
  context?: FlagContextInput;
  /** The JSON last sent, to push only what changed. */
  sent?: string;
}

const answerJson = (answers: LiveAnswers): string =>
  JSON.stringify({ flags: answers.flags, plan: answers.plan, credit_balances: {} });

const STATUS_TEXT = { 403: "Forbidden", 404: "Not Found", 503: "Service Unavailable" } as const;

function reject(socket: Duplex, status: keyof typeof STATUS_TEXT): void {
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Serves live flag values on `server`.
 *
 * @example
 * ```ts
 * const live = await attachLiveServer({
 *   server, authenticate: (key) => (keyKind(key) === "publishable" ? "ok" : "refused"),
 *   answersFor: (context) => store.checkFlags(context), subscribe: (onChange) => store.onChange(onChange),
 * });
 * ```
 */
export async function attachLiveServer(options: LiveServerOptions): Promise<LiveServer> {
  const { WebSocketServer } = await import("ws");
  const path = options.path ?? "/flags/bootstrap";
  const wss: WebSocketServer = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Map<WebSocket, Client>();

  const send = (socket: WebSocket, client: Client, json: string) => {
    client.sent = json;
    if (socket.readyState === socket.OPEN) socket.send(json);
  };

  const answer = (socket: WebSocket, client: Client, data: Buffer | ArrayBuffer | Buffer[]) => {
    let context: FlagContextInput;
    try {
      const message: unknown = JSON.parse(String(data));
      const body = (message as { data?: unknown } | null)?.data ?? {};
      if (typeof body !== "object" || Array.isArray(body)) throw new Error("data must be an object");
      context = parseFlagContext(body as Record<string, unknown>);
    } catch (error) {
      // Not a context: say why, and push nothing until a good one comes.
      delete client.context;
      delete client.sent;
      const reason = error instanceof SyntaxError ? "the message must be JSON" : (error as Error).message;
      socket.send(JSON.stringify({ error: `Invalid context message: ${reason}` }));
      return;
    }
    client.context = context;
    send(socket, client, answerJson(options.answersFor(context)));
  };

  // A burst of changes (a batch of events) is one recomputation, right after the burst.
  let scheduled = false;
  const recompute = () => {
    scheduled = false;
    const byContext = new Map<string, string>();
    for (const [socket, client] of clients) {
      if (!client.context) continue;
      const key = canonicalJson(client.context);
      let json = byContext.get(key);
      if (json === undefined) {
        try {
          json = answerJson(options.answersFor(client.context));
        } catch {
          continue; // the next change tries again
        }
        byContext.set(key, json);
      }
      if (json !== client.sent) send(socket, client, json);
    }
  };
  const unsubscribe = options.subscribe(() => {
    if (scheduled || clients.size === 0) return;
    scheduled = true;
    setImmediate(recompute);
  });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? "/", "http://emulator");
    const refuse = (status: keyof typeof STATUS_TEXT) => {
      options.onUpgrade?.({ path: url.pathname, status, ...(status === 503 && { fault: "fail" as const }) });
      reject(socket, status);
    };
    if (url.pathname !== path) return refuse(404);
    if (options.allowOrigin && !options.allowOrigin(request.headers.origin ?? null)) return refuse(403);
    if (options.shouldRefuseUpgrade?.()) return refuse(503);
    wss.handleUpgrade(request, socket, head, (ws) => {
      const refused = options.authenticate(url.searchParams.get("apiKey")) === "refused";
      options.onUpgrade?.({ path: url.pathname, status: 101, ...(refused && { refused: true as const }) });
      // Accepted, then closed: browsers only see a close code, never an HTTP status.
      if (refused) {
        ws.close(REFUSED_CLOSE_CODE, "Invalid API key");
        return;
      }
      const client: Client = {};
      clients.set(ws, client);
      ws.on("message", (data) => {
        try {
          answer(ws, client, data);
        } catch {
          ws.send('{"error":"Emulator error"}');
        }
      });
      ws.on("close", () => clients.delete(ws));
      ws.on("error", () => ws.terminate());
    });
  };
  options.server.on("upgrade", onUpgrade);

  let closing: Promise<void> | undefined;
  return {
    clients: () => clients.size,
    close() {
      closing ??= new Promise<void>((resolve) => {
        options.server.off("upgrade", onUpgrade);
        unsubscribe();
        for (const socket of wss.clients) socket.terminate();
        clients.clear();
        wss.close(() => resolve());
      });
      return closing;
    },
  };
}
