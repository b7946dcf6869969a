/** A WebSocket the test drives: it opens, answers and drops when told to, and records what was sent. */
import type { WebSocketLike } from "../src/live";

export class FakeWebSocket implements WebSocketLike {
  /** Every socket made, oldest first. */
  static all: FakeWebSocket[] = [];

  static reset(): void {
    FakeWebSocket.all = [];
  }

  /** The newest socket. */
  static get last(): FakeWebSocket {
    const socket = FakeWebSocket.all.at(-1);
    if (!socket) throw new Error("no socket was opened");
    return socket;
  }

  readonly url: string;
  readonly sent: string[] = [];
  /** The code given to `close()`, when the client closed it. */
  closedWith: number | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(url: string) {
    this.url = url;
    FakeWebSocket.all.push(this);
  }

  /** The contexts sent, parsed. */
  get messages(): unknown[] {
    return this.sent.map((text) => JSON.parse(text));
  }

  send(data: string): void {
    if (this.closedWith !== undefined) throw new Error("send on a closed socket");
    this.sent.push(data);
  }

  close(code?: number): void {
    this.closedWith = code ?? 1005;
    // As in browsers: the close event comes later.
    queueMicrotask(() => this.onclose?.({ code: this.closedWith ?? 1005 }));
  }

  /** The server accepted the upgrade. */
  accept(): void {
    this.onopen?.({});
  }

  /** A message from the server (objects are sent as JSON). */
  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === "string" ? message : JSON.stringify(message) });
  }

  /** The connection ended from the server's side (or the network's). */
  drop(code = 1006): void {
    this.onerror?.({});
    this.onclose?.({ code });
  }
}
