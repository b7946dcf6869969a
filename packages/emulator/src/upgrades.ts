/**
 * WebSocket upgrades of the Node server: one `ws` server (loaded at the
 * first upgrade, so a server nobody opens a socket to starts without it)
 * shared by every socket path. Each upgrade passes the same origin check as
 * every HTTP request before its path's handler sees it; a refusal is a plain
 * HTTP answer with a JSON error, as the other routes give.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket, WebSocketServer } from "ws";
import type { CorsPolicy } from "./cors";

const STATUS_TEXT: Record<number, string> = {
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

/** One upgrade request, checked for its origin. */
export interface Upgrade {
  req: IncomingMessage;
  url: URL;
  /** Answers with an HTTP error instead of a socket. */
  refuse(status: number, message: string): void;
  /** Completes the handshake. */
  accept(): Promise<WebSocket>;
}

/** Handles upgrades to one path. */
export type UpgradeHandler = (upgrade: Upgrade) => void;

/** Serves `handlers` (path → handler) on `server`'s upgrades; returns a function that stops. */
export function serveUpgrades(
  server: Server,
  cors: CorsPolicy,
  handlers: Record<string, UpgradeHandler>,
): () => void {
  let wss: Promise<WebSocketServer> | undefined;
  const socketServer = () => {
    wss ??= import("ws").then(
      ({ WebSocketServer }) => new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }),
    );
    return wss;
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const refuse = (status: number, message: string) => {
      const body = JSON.stringify({ error: message });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    };
    const handler = Object.hasOwn(handlers, url.pathname) ? handlers[url.pathname] : undefined;
    if (!handler) {
      return refuse(404, `No WebSocket at ${url.pathname}; use ${Object.keys(handlers).join(" or ")}`);
    }
    const origin = req.headers.origin ?? null;
    if (!cors.allows(origin)) {
      return refuse(403, `Origin ${origin} may not call the emulator; start it with --cors ${origin}`);
    }
    const accept = () =>
      socketServer().then(
        (wsServer) => new Promise<WebSocket>((resolve) => wsServer.handleUpgrade(req, socket, head, resolve)),
        (error) => {
          socket.destroy();
          throw error;
        },
      );
    handler({ req, url, refuse, accept });
  };
  server.on("upgrade", onUpgrade);
  return () => {
    server.off("upgrade", onUpgrade);
    void wss?.then((wsServer) => wsServer.close());
  };
}
