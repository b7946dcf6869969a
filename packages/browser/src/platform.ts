/**
 * The browser's platform seams and their defaults. This is the only file that
 * looks at `window`, and only when a client is first used, never at import.
 */
import { type Storage, webStorage } from "@schematic-sdk/core";

/** What the client reacts to: the page going away or coming back, the network coming back. */
export type PageEvent = "hidden" | "pagehide" | "pageshow" | "online";

/** Page lifecycle: a source of {@link PageEvent}s and the online flag. */
export interface PageLifecycle {
  /** Calls `listener` on each page event; returns the unsubscribe function. */
  subscribe(listener: (event: PageEvent) => void): () => void;
  /** False when the browser knows it is offline: nothing is attempted then. */
  online(): boolean;
}

/** The part of `navigator.locks` the client uses to tell live tabs from closed ones. */
export interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: unknown) => unknown,
  ): Promise<unknown>;
}

export interface Platform {
  storage: Storage;
  lifecycle: PageLifecycle;
  locks: LockManagerLike | null;
}

/** The window's storage, lifecycle and locks; memory and no-ops where there is no window (a server). */
export function browserPlatform(): Platform {
  const w = typeof window === "undefined" ? undefined : window;
  return {
    storage: webStorage(() => w?.localStorage),
    locks: (w?.navigator.locks as LockManagerLike | undefined) ?? null,
    lifecycle: {
      online: () => w?.navigator.onLine !== false,
      subscribe(listener) {
        if (!w) return () => {};
        const d = w.document;
        // visibilitychange bubbles from the document to the window: one target for all four.
        const names = ["pagehide", "pageshow", "online", "visibilitychange"];
        const on = (e: Event) => {
          if (e.type[0] === "v") d.visibilityState === "hidden" && listener("hidden");
          else if (e.type !== "pageshow" || (e as PageTransitionEvent).persisted)
            listener(e.type as PageEvent);
        };
        for (const name of names) w.addEventListener(name, on);
        return () => {
          for (const name of names) w.removeEventListener(name, on);
        };
      },
    },
  };
}
