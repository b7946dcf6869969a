/**
 * Coalesced storage writes: callers mark a key dirty with a function giving
 * its value; at most one key is written per timer tick, the value read at
 * write time, so a burst of 10,000 calls is a handful of writes. Keys take
 * turns (a written key goes to the back), so none waits long in a burst.
 */
import type { Storage, Timers } from "@schematic-sdk/core";

export class Writer {
  readonly storage: Storage;
  readonly #timers: Timers;
  readonly #dirty = new Map<string, () => unknown>();
  #timer: unknown;

  constructor(storage: Storage, timers: Timers) {
    this.storage = storage;
    this.#timers = timers;
  }

  /** Schedules a write of `key`; a value of `undefined` removes it. */
  mark(key: string, value: () => unknown): void {
    this.#dirty.set(key, value);
    this.#timer ??= this.#timers.setTimeout(this.#tick, 0);
  }

  /** Writes every dirty key now (the page is going away). */
  flush(): void {
    for (const key of [...this.#dirty.keys()]) this.#write(key);
  }

  #tick = (): void => {
    this.#timer = undefined;
    for (const key of this.#dirty.keys()) {
      this.#write(key);
      break;
    }
    if (this.#dirty.size > 0) this.#timer = this.#timers.setTimeout(this.#tick, 0);
  };

  #write(key: string): void {
    const value = this.#dirty.get(key)!();
    this.#dirty.delete(key);
    if (value === undefined) this.storage.remove(key);
    else this.storage.set(key, JSON.stringify(value));
  }
}

/** Parses a stored JSON value; anything unreadable is `undefined`. */
export function readJson(storage: Storage, key: string): unknown {
  try {
    return JSON.parse(storage.get(key) ?? "null") ?? undefined;
  } catch {
    return undefined;
  }
}
