/**
 * The browser client's wiring: its rooms — the session (context, anonymous
 * id, what is stored), the event queue, the flags, the tabs and the external
 * store — built from resolved options and the platform, and told of each
 * other. Nothing starts here: `lifecycle.start()` does (page listeners, tab
 * coordination), and `openLive()` loads and opens the live socket.
 */
import {
  createEvent,
  defaultTimers,
  type EventType,
  HttpClient,
  SchematicNetworkError,
  type Storage,
  VERSION,
  validateContext,
  type WireEvent,
  webStorage,
  withDefaults,
} from "@schematic-sdk/core";
import { Flags } from "./flags";
import { DEFAULTS, type SchematicOptions, type SchematicSnapshot } from "./options";
import { browserPlatform } from "./platform";
import { EventQueue } from "./queue";
import { Session } from "./session";
import { Store } from "./store";
import { queueKey, Tabs } from "./tabs";
import { Writer } from "./writer";

export type Resolved = SchematicOptions & typeof DEFAULTS;

const CLIENT_VERSION = `@schematic-sdk/browser@${VERSION}`;

/**
 * A storage given in the options, held to the seam's promise that it never
 * throws: once it does (a full quota, a broken adapter), everything moves to
 * memory — what it held included — and keeps working.
 */
const neverThrowing = (storage: Storage): Storage =>
  webStorage(() => ({
    getItem: (key) => storage.get(key),
    setItem: (key, value) => storage.set(key, value),
    removeItem: (key) => storage.remove(key),
  }));

/** The client's rooms, wired. */
export interface Rooms {
  options: Resolved;
  store: Store;
  /** The first snapshot: bootstrapped values, never anything stored. */
  server: SchematicSnapshot;
  session: Session;
  flags: Flags;
  queue: EventQueue;
  /** Starts (mount, first use) and stops (last unmount, close) the timers, listeners and tab lease. */
  lifecycle: { start(): void; stop(): void };
  /** Opens the live socket (loading its code the first time) when `live` is on. */
  openLive: () => void;
  /** An event envelope from this client. */
  event: (type: EventType, body: WireEvent["body"]) => WireEvent;
}

/**
 * Builds the rooms for `key` (a checked publishable key) and `options` (checked).
 * @param mounted whether the client is still mounted (and not closed) when the live code has loaded
 */
export function wire(key: string, options: SchematicOptions, mounted: () => boolean): Rooms {
  const o = withDefaults(DEFAULTS, options);
  const live = o.live;
  const env = browserPlatform();
  const timers = o.timers ?? defaultTimers;
  const lifecycle = o.lifecycle ?? env.lifecycle;
  const writer = new Writer(o.storage ? neverThrowing(o.storage) : env.storage, timers);
  // The key's tail keeps two keys on one origin apart (publishable keys are public anyway).
  const prefix = `schematic:${key.slice(-8)}:`;
  const debug = o.debug;
  // A throwing logger must not stop delivery.
  const log = (...args: unknown[]) => {
    try {
      if (typeof debug === "function") debug(...args);
      else if (debug) console.debug("[schematic]", ...args);
    } catch {}
  };
  let warned = false;
  const http = (name: "apiUrl" | "eventUrl", apiKey?: string) =>
    new HttpClient({
      baseUrl: o[name],
      apiKey,
      clientVersion: CLIENT_VERSION,
      fetch: o.fetch,
      timers,
      onResult: ({ method, url, status, ms, error }) => {
        log(method, url, status ?? "no answer", `${ms} ms`, ...(error ? [(error as Error).message] : []));
        // Said once, debug or not: a wrong URL otherwise only shows as retries. (A body past the bound did answer.)
        if (error instanceof SchematicNetworkError && !(error.cause instanceof RangeError) && !warned) {
          warned = true;
          console.warn(
            `[schematic] cannot reach ${o[name]} (${error.message}): is it running, and is ${name} right?`,
          );
        }
      },
    });
  const event = (type: EventType, body: WireEvent["body"]): WireEvent =>
    createEvent({ apiKey: key, type, body, trackerUserId: session.anonymousId });
  const boot = o.bootstrap;
  // Built first when every room exists (the server snapshot, below).
  const store = new Store(() =>
    Object.freeze({
      context: session.context,
      flags: flags.values,
      checks: flags.checks,
      plan: flags.plan,
      isReady: flags.ready,
      queue: Object.freeze({ pending: queue.pending, delivered: queue.delivered, dropped: queue.dropped }),
    }),
  );
  const session: Session = new Session({
    writer,
    storageKey: `${prefix}s`,
    context: boot?.context ? validateContext(boot.context) : {},
    flags: () => flags.saved(),
    log,
  });
  const flags: Flags = new Flags({
    api: http("apiUrl", key),
    session,
    timers,
    ttl: o.flagCacheTtl,
    queued: () => queue.entries,
    changed: store.changed,
    log,
    answered: o.trackFlagChecks
      ? (flag, value, context) => void queue.enqueue(event("flag_check", { flag, value, ...context }))
      : undefined,
  });
  const tabs = new Tabs({
    writer,
    timers,
    locks: o.locks === undefined ? env.locks : o.locks,
    prefix,
    adopt: (entries) => {
      queue.adopt(entries);
      const c = session.context;
      if (c.user || c.company) queue.fill(c);
    },
    ready: () => queue.open(),
    log,
  });
  const queue = new EventQueue({
    ...o,
    // `POST /e` carries the key in the body only; `POST /batch` also wants it as a header.
    http: http("eventUrl", o.transport === "batch" ? key : undefined),
    writer,
    key: queueKey(prefix, tabs.id),
    timers,
    online: () => lifecycle.online(),
    changed: () => {
      flags.queueChanged();
      store.changed();
    },
    settled: (entry, delivered) => flags.settled(entry, delivered),
    log: debug ? log : undefined,
    batch: o.transport === "batch",
  });
  if (boot?.flags || boot?.checks) flags.load({ ...boot, fresh: true });
  const server = store.get();
  const restored = session.restore(!!boot?.context);
  if (!(boot?.flags || boot?.checks)) flags.load(restored);
  if (session.context !== server.context) store.changed();
  let off: (() => void) | undefined;
  const run = {
    start: () => {
      session.save();
      off = lifecycle.subscribe((page) => {
        if (page === "online") return queue.pump();
        if (page === "pageshow") {
          tabs.start();
          return queue.show();
        }
        queue.pump(true);
        writer.flush();
        if (page === "pagehide") {
          queue.hidden = true;
          tabs.stop();
        }
      });
      tabs.start();
    },
    stop: () => {
      off?.();
      queue.hold();
      writer.flush();
      tabs.stop();
    },
  };
  const openLive = () => {
    if (!live) return;
    // A chunk of its own: an app with live updates off never loads it. It resolves after `mount()` returned.
    import("./live").then(
      (chunk) =>
        mounted() &&
        chunk.openLive({
          flags,
          context: session.context,
          options: { ...o, apiKey: key, clientVersion: CLIENT_VERSION, timers, lifecycle, log },
        }),
      (error: unknown) => console.warn("[schematic] live:", error),
    );
  };
  return { options: o, store, server, session, flags, queue, lifecycle: run, openLive, event };
}
