/**
 * The inspector's stream (`GET /inspector/stream`, a WebSocket): the whole
 * state when a page connects, then, after each change, the sections it
 * touched. Changes are gathered for a few milliseconds and pushes are at
 * least `interval` apart (and four times what the last one took to build,
 * so a large store under load keeps the server free for its API), so a
 * burst of requests costs a few messages, and a change shows within
 * `interval` ms on a store of ordinary size. Only the inspector page
 * (which holds the token) or a caller with a secret key may connect, and
 * only from an origin the emulator allows.
 */
import { isSecretKey } from "@schematic-sdk/core";
import type { WebSocket } from "ws";
import type { EmulatorStore } from "../store";
import type { StoreChange } from "../storeTypes";
import type { Timers } from "../timers";
import type { UpgradeHandler } from "../upgrades";
import { type InspectorSources, inspectorState } from "./state";
import { INSPECTOR_SECTIONS, type InspectorSection } from "./stateTypes";

/** The close code for a page whose token this emulator did not give (it reloads to get a new one). */
export const CLOSE_BAD_TOKEN = 4003;

/** Which sections each kind of store change touches. */
const TOUCHES: Record<StoreChange["kind"], readonly InspectorSection[]> = {
  company: ["companies", "users", "events", "stats"],
  user: ["users", "companies", "stats"],
  event: ["events", "companies", "stats"],
  usage: ["companies"],
  plan: ["companies"],
  override: ["companies"],
  catalog: ["catalog", "companies"],
  flags: ["catalog", "companies"],
  reset: INSPECTOR_SECTIONS,
  load: INSPECTOR_SECTIONS,
};

export interface InspectorStreamParts extends InspectorSources {
  store: EmulatorStore;
  token: string;
  timers: Timers;
  /** Milliseconds a first change waits for others to join it. @default 5 */
  gather?: number;
  /** Fewest milliseconds between two pushes. @default 50 */
  interval?: number;
}

export interface InspectorStream {
  handle: UpgradeHandler;
  /** Marks sections changed by something the store does not see (live clients coming and going). */
  touch(sections: readonly InspectorSection[]): void;
  close(): void;
}

export function createInspectorStream(parts: InspectorStreamParts): InspectorStream {
  const { store, token, timers, gather = 5, interval = 50 } = parts;
  const pages = new Set<WebSocket>();
  const dirty = new Set<InspectorSection>();
  let timer: unknown;
  let lastPush = Number.NEGATIVE_INFINITY;

  /** Grows with what a push costs to build, so a large store under load never keeps the server busy. */
  let spacing = interval;
  const flush = () => {
    timer = undefined;
    const started = performance.now();
    const text = JSON.stringify(inspectorState(parts, dirty));
    dirty.clear();
    for (const page of pages) page.send(text);
    lastPush = performance.now();
    spacing = Math.max(interval, 4 * (lastPush - started));
  };
  const touch = (sections: readonly InspectorSection[]) => {
    if (pages.size === 0) return;
    for (const section of sections) dirty.add(section);
    if (timer !== undefined) return;
    timer = timers.setTimeout(flush, Math.max(gather, lastPush + spacing - performance.now()));
  };
  const stopStore = store.onChange((change) => touch(TOUCHES[change.kind]));
  const stopLog = store.requestLog.onChange(() => touch(["requests", "stats"]));

  const handle: UpgradeHandler = ({ req, url, refuse, accept }) => {
    const secret = req.headers["x-schematic-api-key"];
    if (url.searchParams.get("token") !== token && !isSecretKey(typeof secret === "string" ? secret : null)) {
      // A page from an earlier run of the emulator holds an old token: it is told so and reloads.
      if (url.searchParams.has("token")) {
        accept().then((ws) => ws.close(CLOSE_BAD_TOKEN, "This page is from an earlier run: reload it"));
        return;
      }
      return refuse(401, "The inspector's stream needs the inspector page's token or a secret key (sch_…)");
    }
    accept().then(
      (ws) => {
        pages.add(ws);
        ws.on("close", () => pages.delete(ws));
        ws.on("error", () => ws.terminate());
        // Pages only listen; anything they send is ignored.
        ws.send(JSON.stringify(inspectorState(parts)));
      },
      () => {},
    );
  };

  return {
    handle,
    touch,
    close: () => {
      stopStore();
      stopLog();
      if (timer !== undefined) timers.clearTimeout(timer);
      for (const page of pages) page.terminate();
      pages.clear();
    },
  };
}
