/**
 * Live flag values over WebSocket (`GET /flags/bootstrap?apiKey=…`), as the
 * official browser SDK speaks it: the client sends its context, the server
 * answers every flag and the plan, then pushes again whenever any answer for
 * that context changes. After each store change the answers of every
 * connected context are recomputed (they are cheap: usage is pre-summed)
 * and sent only where they differ from what that socket last got.
 */
import { isPublishableKey, isSecretKey } from "@schematic-sdk/core";
import type { WebSocket } from "ws";
import { nestsDeeperThan } from "./depth";
import type { Faults } from "./faults";
import { HttpError } from "./httpError";
import type { EmulatorStore } from "./store";
import type { Timers } from "./timers";
import type { UpgradeHandler } from "./upgrades";
import { type FlagContextInput, parseFlagContext, parseJsonObject } from "./validate";

/** The close code for a refused key (the official SDK stops reconnecting on it). */
export const CLOSE_BAD_KEY = 4001;
const CLOSE_BAD_MESSAGE = 4400;

/** Where live flag values are served. */
export const LIVE_PATH = "/flags/bootstrap";

interface Subscriber {
  context?: FlagContextInput;
  /** The JSON last sent, to send only what changed. */
  sent?: string;
}

export interface LiveParts {
  store: EmulatorStore;
  faults: Faults;
  maxBodyDepth: number;
  /** Milliseconds between a store change and the pushes it causes (changes in that window are coalesced). */
  pushDelay: number;
  timers: Timers;
  /** Called when a socket opens or closes. */
  onClients?: () => void;
}

/** The live endpoint: its upgrade handler, a push to every socket whose answers changed, and its end. */
export interface Live {
  handle: UpgradeHandler;
  /** Sockets open now. */
  readonly clients: number;
  /** Schedules a push to every socket whose answers changed (after the push delay). */
  changed(): void;
  close(): void;
}

export function createLive(parts: LiveParts): Live {
  const { store, faults, maxBodyDepth, pushDelay, timers, onClients } = parts;
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

  let timer: unknown;
  const changed = () => {
    if (timer !== undefined || subscribers.size === 0) return;
    timer = timers.setTimeout(() => {
      timer = undefined;
      for (const [socket, subscriber] of subscribers) push(socket, subscriber);
    }, pushDelay);
  };
  const unsubscribe = store.onChange(changed);

  const handle: UpgradeHandler = ({ url, refuse, accept }) => {
    const decision = faults.decide();
    if (decision.kind === "fail") return refuse(503, "Injected fault (fail-rate)");
    if (decision.kind === "rate-limit") return refuse(429, "Rate limit exceeded (rate-limit)");
    accept().then(
      (ws) => {
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
        onClients?.();
        ws.on("close", () => {
          subscribers.delete(ws);
          onClients?.();
        });
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
      },
      () => {},
    );
  };

  return {
    handle,
    get clients() {
      return subscribers.size;
    },
    changed,
    close: () => {
      unsubscribe();
      if (timer !== undefined) timers.clearTimeout(timer);
      for (const socket of subscribers.keys()) socket.terminate();
      subscribers.clear();
    },
  };
}
