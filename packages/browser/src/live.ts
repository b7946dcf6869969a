/**
 * Live flag values: one WebSocket per client to `{url}/flags/bootstrap`. The
 * context goes out on open and on every change; the server answers every flag
 * for it and pushes again whenever an answer changes. Loaded only by apps
 * that turn live updates on, so it stays small.
 */
import {
  type Context,
  defaultTimers,
  type FlagCheck,
  fromWireFlagCheck,
  jsonEqual,
  retryDelay,
  SchematicConfigError,
  type Timers,
  type WireFlagCheck,
  type WirePlan,
} from "@schematic-sdk/core";
import type { PageEvent, PageLifecycle } from "./platform";

/** One message of the server: every flag it answers for the context, and the company's plan. */
export interface LivePush {
  flags: WireFlagCheck[];
  /** `null`: the company is on no plan; absent: the plan is unchanged. */
  plan?: WirePlan | null;
}

// A method's parameter is bivariant: the DOM's and `ws`'s event types both fit.
type Handler<E> = { bivarianceHack(event: E): void }["bivarianceHack"];

/** The part of the WebSocket API used: the browser's own, or `ws`'s on Node. */
export interface WebSocketLike {
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number }> | null;
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface LiveConnectionOptions {
  /**
   * The WebSocket base, e.g. `wss://api.schematichq.com`; an `http(s)://` API
   * URL is taken as its `ws(s)://` twin. (Checked by the caller's options.)
   */
  url: string;
  /** The publishable key (`api_…`). */
  apiKey: string;
  /** `<package>@<version>`, sent with the context. */
  clientVersion: string;
  /** Page events: `pagehide` closes the socket, `pageshow` reopens it, `online` resumes reconnecting. */
  lifecycle: PageLifecycle;
  /** Called with each push that answers the current context (answers to an earlier context are dropped). */
  onMessage(push: LivePush): void;
  /** @default globalThis.WebSocket */
  webSocket?: WebSocketConstructor | undefined;
  timers?: Timers | undefined;
  /** Debug lines (reconnects, ignored messages). */
  log?(...args: unknown[]): void;
  /** Where the one "key refused" message goes. @default console.warn */
  warn?(...args: unknown[]): void;
  /** For the backoff's jitter. @default Math.random */
  random?: (() => number) | undefined;
}

/** The close code of a refused key: reconnecting would be refused again. */
const REFUSED = 4001;
/** A socket open this long resets the backoff. */
const HEALTHY_MS = 60_000;

/**
 * One live socket: sends the context, reconnects with backoff and full jitter
 * (and resends the context), follows the page's lifecycle, and stops for good
 * when the server refuses the key.
 *
 * @example
 * ```ts
 * const live = new LiveConnection({ url: "ws://127.0.0.1:8787", apiKey: "api_…", clientVersion: "app@1.0.0",
 *   lifecycle: browserPlatform().lifecycle, onMessage: (push) => console.log(push.flags) });
 * live.setContext({ context: { company: { id: "c_1" } } });
 * live.open();
 * ```
 */
export class LiveConnection {
  readonly #o: LiveConnectionOptions;
  readonly #url: string;
  readonly #WebSocket: WebSocketConstructor;
  readonly #timers: Timers;
  #socket: WebSocketLike | undefined;
  #isOpen = false;
  #wanted = false;
  /** Between `pagehide` and `pageshow`. */
  #hidden = false;
  #refused = false;
  #attempt = 0;
  #openedAt = 0;
  #timer: unknown;
  #off: (() => void) | undefined;
  /** The current context (a new object only when its content changes). */
  #context: Context = {};
  /** Contexts sent on this socket and not answered yet, oldest first. */
  #inflight: Context[] = [];
  /** The context the server's latest message answered. */
  #answered: Context | undefined;

  /** @throws SchematicConfigError when there is no WebSocket to use (pass `webSocket`). */
  constructor(options: LiveConnectionOptions) {
    const WebSocket = options.webSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (!WebSocket) throw new SchematicConfigError("live: no WebSocket here, pass the webSocket option");
    this.#WebSocket = WebSocket;
    this.#o = options;
    this.#url = `${options.url.replace(/^http/, "ws").replace(/\/+$/, "")}/flags/bootstrap?apiKey=${encodeURIComponent(options.apiKey)}`;
    this.#timers = options.timers ?? defaultTimers;
  }

  /** The socket is open and has answered the current context: its values are live. */
  get connected(): boolean {
    return this.#isOpen && this.#inflight.length === 0 && this.#answered === this.#context;
  }

  /** Opens the socket (and keeps it open) until `close()`. Calling it again does nothing. */
  open(): void {
    if (this.#wanted) return;
    this.#wanted = true;
    this.#off = this.#o.lifecycle.subscribe((event) => this.#onPage(event));
    this.#connect();
  }

  /** Closes the socket and stops reconnecting; no timer is left. Calling it again does nothing. */
  close(): void {
    this.#wanted = false;
    this.#off?.();
    this.#off = undefined;
    this.#drop();
  }

  /**
   * Sends `context` when its content differs from the last one (on open it is
   * sent anyway). The object is kept as is: do not change it afterwards.
   */
  setContext(params: { context: Context }): void {
    if (jsonEqual(params.context, this.#context)) return;
    this.#context = params.context;
    this.#send();
  }

  #send(): void {
    if (!this.#isOpen) return;
    const o = this.#o;
    this.#inflight.push(this.#context);
    this.#socket?.send(
      JSON.stringify({ apiKey: o.apiKey, clientVersion: o.clientVersion, data: this.#context }),
    );
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #connect(): void {
    this.#stopTimer();
    if (!this.#wanted || this.#hidden || this.#refused || this.#socket || !this.#o.lifecycle.online()) return;
    let socket: WebSocketLike;
    try {
      socket = new this.#WebSocket(this.#url);
    } catch (error) {
      this.#o.log?.("live:", error);
      this.#retry();
      return;
    }
    this.#socket = socket;
    this.#inflight = [];
    this.#answered = undefined;
    // Handlers of a socket already replaced (closed by us) do nothing.
    socket.onerror = () => {};
    socket.onopen = () => {
      if (socket !== this.#socket) return;
      this.#isOpen = true;
      this.#openedAt = Date.now();
      this.#send();
    };
    socket.onmessage = (event) => {
      if (socket === this.#socket) this.#receive(event.data);
    };
    socket.onclose = (event) => {
      if (socket === this.#socket) this.#lost(event.code);
    };
  }

  #receive(data: unknown): void {
    let push: LivePush | undefined;
    try {
      push = JSON.parse(String(data));
    } catch {}
    // Every message answers the oldest context in flight; one without flags (an error) leaves it unanswered.
    const answered = this.#inflight.shift() ?? this.#answered;
    this.#answered = Array.isArray(push?.flags) ? answered : undefined;
    // An answer to a context replaced since: its values are not this context's.
    if (this.#answered && jsonEqual(answered, this.#context)) this.#o.onMessage(push as LivePush);
  }

  #lost(code: number): void {
    this.#socket = undefined;
    if (this.#isOpen && Date.now() - this.#openedAt >= HEALTHY_MS) this.#attempt = 0;
    this.#isOpen = false;
    if (code === REFUSED) {
      this.#refused = true;
      (this.#o.warn ?? console.warn)("[schematic] live: the server refused the key (4001), not reconnecting");
    }
    this.#retry();
  }

  /** Schedules the next attempt; offline or hidden, `online`/`pageshow` resumes instead. */
  #retry(): void {
    if (!this.#wanted || this.#hidden || this.#refused || !this.#o.lifecycle.online()) return;
    const delay = retryDelay({ attempt: this.#attempt++, random: this.#o.random });
    this.#o.log?.("live: retry in", delay);
    this.#timer = this.#timers.setTimeout(() => this.#connect(), delay);
  }

  #onPage(event: PageEvent): void {
    if (event === "pagehide") {
      this.#hidden = true;
      this.#drop();
    } else if (event === "pageshow") {
      this.#hidden = false;
      this.#attempt = 0;
      this.#connect();
    } else if (event === "online") this.#connect();
  }

  #drop(): void {
    this.#stopTimer();
    const socket = this.#socket;
    if (!socket) return;
    this.#socket = undefined;
    this.#isOpen = false;
    socket.close(1000);
  }
}

/**
 * Opens (creating it the first time) the live socket of a client's flags
 * room: pushes go to `flags.push`, the context is the session's.
 */
export function openLive(params: {
  flags: {
    live: LiveConnection | undefined;
    push(got: Record<string, FlagCheck>, plan: LivePush["plan"]): void;
  };
  context: Context;
  options: Omit<LiveConnectionOptions, "url" | "onMessage"> & {
    live?: boolean | { url?: string } | undefined;
    apiUrl: string;
  };
}): void {
  const { flags, options } = params;
  const live = options.live;
  flags.live ??= new LiveConnection({
    ...options,
    url: (typeof live === "object" && live.url) || options.apiUrl,
    onMessage: (push) => {
      const got: Record<string, FlagCheck> = {};
      for (const wire of push.flags)
        if (typeof wire?.flag === "string") got[wire.flag] = Object.freeze(fromWireFlagCheck(wire));
      flags.push(got, push.plan);
    },
  });
  flags.live.setContext({ context: params.context });
  flags.live.open();
}
