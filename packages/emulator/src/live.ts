/**
 * Live flag values over WebSocket (`GET /flags/bootstrap?apiKey=…`), as the
 * official browser SDK speaks it: the client sends its context, the server
 * answers every flag and the plan, then pushes again whenever any answer for
 * that context changes. After each store change the answers of every
 * connected context are recomputed (they are cheap: usage is pre-summed)
 * and sent only where they differ from what that socket last got.
 * Node-only (the `ws` package, loaded at the first upgrade, so a server
 * nobody opens a socket to starts without it).
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { isPublishableKey, isSecretKey } from "@schematic-sdk/core";
import type { WebSocket, WebSocketServer } from "ws";
import type { CorsPolicy } from "./cors";
import { nestsDeeperThan } from "./depth";
import type { Faults } from "./faults";
import { HttpError } from "./httpError";
import type { EmulatorStore } from "./store";
import { type FlagContextInput, parseFlagContext, parseJsonObject } from "./validate";

/** The close code for a refused key (the official SDK stops reconnecting on it). */
export const CLOSE_BAD_KEY = 4001;
const CLOSE_BAD_MESSAGE = 4400;

const LIVE_PATH = "/flags/bootstrap";
const STATUS_TEXT: Record<number, string> = {
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

interface Subscriber {
  context?: FlagContextInput;
  /** The JSON last sent, to send only what changed. */
  sent?: string;
}

export interface LiveParts {
  store: EmulatorStore;
  faults: Faults;
  cors: CorsPolicy;
  maxBodyDepth: number;
  /** Milliseconds between a store change and the pushes it causes (changes in that window are coalesced). */
  pushDelay: number;
}

/** Serves live flag values on `server`'s upgrade requests; returns a function that closes every socket. */
export function serveLive(server: Server, parts: LiveParts): () => void {
  const { store, faults, cors, maxBodyDepth, pushDelay } = parts;
  let wss: Promise<WebSocketServer> | undefined;
  const socketServer = () => {
    wss ??= import("ws").then(
      ({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }),
    );
    return wss;
  };
  const subscribers = new Map<WebSocket, Subscriber>();

  const message = (context: FlagContextInput) => {
    const { flags, plan } = store.answersFor(context);
    return JSON.stringify({ flags, plan: plan ?? null, credit_balances: {} });
  };
  const push = (socket: WebSocket, subscriber: Subscriber) => {
    if (!subscriber.context) return;
    const text = message(subscriber.context);
    if (text === subscriber.sent) return;
    subscriber.sent = text;
    socket.send(text);
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const unsubscribe = store.onChange(() => {
    if (timer || subscribers.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      for (const [socket, subscriber] of subscribers) push(socket, subscriber);
    }, pushDelay);
  });

  const refuse = (socket: Duplex, status: number, text: string) => {
    const body = JSON.stringify({ error: text });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    if (url.pathname !== LIVE_PATH)
      return refuse(socket, 404, `No WebSocket at ${url.pathname}; use ${LIVE_PATH}`);
    const origin = req.headers.origin ?? null;
    if (!cors.allows(origin))
      return refuse(
        socket,
        403,
        `Origin ${origin} may not call the emulator; start it with --cors ${origin}`,
      );
    const decision = faults.decide();
    if (decision.kind === "fail") return refuse(socket, 503, "Injected fault (fail-rate)");
    if (decision.kind === "rate-limit") return refuse(socket, 429, "Rate limit exceeded (rate-limit)");
    socketServer().then(
      (server) =>
        server.handleUpgrade(req, socket, head, (ws) => {
          const key = url.searchParams.get("apiKey");
          if (!isPublishableKey(key)) {
            const why = isSecretKey(key)
              ? "a secret key must never reach a browser"
              : "expected a publishable key (api_…)";
            ws.close(CLOSE_BAD_KEY, `Invalid API key: ${why}`);
            return;
          }
          const subscriber: Subscriber = {};
          subscribers.set(ws, subscriber);
          ws.on("close", () => subscribers.delete(ws));
          ws.on("error", () => ws.terminate());
          ws.on("message", (data) => {
            try {
              const text = data.toString();
              if (nestsDeeperThan(text, maxBodyDepth)) throw new HttpError(400, "message nests too deep");
              const body = parseJsonObject(text);
              const context = body.data === undefined || body.data === null ? {} : body.data;
              if (typeof context !== "object" || Array.isArray(context))
                throw new HttpError(400, "data must be a context object");
              subscriber.context = parseFlagContext(context as Record<string, unknown>);
              subscriber.sent = undefined; // a (re)sent context always gets a full answer
              push(ws, subscriber);
            } catch (error) {
              ws.close(CLOSE_BAD_MESSAGE, (error as Error).message.slice(0, 120));
            }
          });
        }),
      () => socket.destroy(),
    );
  };
  server.on("upgrade", onUpgrade);

  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    server.off("upgrade", onUpgrade);
    for (const socket of subscribers.keys()) socket.terminate();
    subscribers.clear();
    void wss?.then((server) => server.close());
  };
}
