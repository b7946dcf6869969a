/**
 * Several tabs (or clients) on one storage. Each keeps its own queue under
 * its own id and lists itself in a shared index; only the owner sends from a
 * queue, so no event goes out from two live tabs. A queue whose owner is gone
 * is adopted by whichever tab notices first:
 *
 * - with Web Locks, a tab holds the lock named after its id while it lives;
 *   getting that lock (`ifAvailable`) proves the owner closed or crashed, and
 *   holding it while adopting keeps a second adopter out;
 * - without, each tab renews a timestamp in the index; a tab silent for
 *   `LEASE_TTL` is gone. A closing tab zeroes its own at once.
 *
 * Index races (two tabs writing it together) only drop a live entry until its
 * next heartbeat, so a queue is at worst adopted late, never twice.
 */
import { isPlainObject, type Timers, uuid } from "@schematic-sdk/core";
import { type Entry, readEntries } from "./entries";
import type { LockManagerLike } from "./platform";
import { readJson, type Writer } from "./writer";

/** A tab silent this long (storage lease) is taken for closed. Hidden tabs' timers may run once a minute. */
const LEASE_TTL = 180_000;
const HEARTBEAT = 10_000;

export interface TabsConfig {
  writer: Writer;
  timers: Timers;
  locks: LockManagerLike | null;
  /** Storage key prefix of this client. */
  prefix: string;
  /** Stores another tab's events as this tab's (synchronously). */
  adopt: (entries: Entry[]) => void;
  /** Called once the first look for closed tabs' queues is done (or has taken too long). */
  ready: () => void;
  log: (...args: unknown[]) => void;
}

/** The longest the first look for closed tabs may hold back this tab's own sends. */
const FIRST_LOOK_LIMIT = 1000;

/** The storage key of a tab's queue. */
export const queueKey = (prefix: string, id: string): string => `${prefix}q${id}`;

export class Tabs {
  readonly id: string = uuid();
  readonly #config: TabsConfig;
  /** The storage key of the shared index of tabs. */
  readonly #indexKey: string;
  #timer: unknown;
  #on = false;
  #release: (() => void) | undefined;
  #first = false;
  #limit: unknown;

  constructor(config: TabsConfig) {
    this.#config = config;
    this.#indexKey = `${config.prefix}t`;
  }

  /** Claims this tab's id, lists it and starts the heartbeat that adopts closed tabs' queues. */
  start(): void {
    const { locks, timers } = this.#config;
    this.#on = true;
    // A reload's leftovers are older than anything this page queues: adopt them before sending.
    this.#first = true;
    this.#limit = timers.setTimeout(this.#looked, FIRST_LOOK_LIMIT);
    if (!locks) this.#timer = timers.setTimeout(this.#beat, 0);
    else
      void locks.request(
        `${this.#config.prefix}l${this.id}`,
        {},
        () =>
          this.#on &&
          new Promise<void>((release) => {
            this.#release = release;
            this.#beat();
          }),
      );
  }

  /**
   * The page is going away: let other tabs adopt what is left. The entry stays
   * (zeroed), so an event queued even later is found; an empty queue's entry is
   * cleared by whichever tab looks next.
   */
  stop(): void {
    if (!this.#on) return;
    this.#on = false;
    this.#config.timers.clearTimeout(this.#timer);
    this.#config.timers.clearTimeout(this.#limit);
    this.#release?.();
    this.#index((index) => {
      index[this.id] = 0;
    });
  }

  #beat = (): void => {
    if (!this.#on) return;
    const { locks, timers } = this.#config;
    const now = Date.now();
    const index = this.#read();
    // Renewing the lease is an ordinary coalesced write; adopting (below) writes at once.
    this.#config.writer.mark(this.#indexKey, () => ({ ...this.#read(), [this.id]: now }));
    const looks: Promise<unknown>[] = [];
    for (const id in index) {
      if (id === this.id) continue;
      if (locks)
        looks.push(
          locks.request(
            `${this.#config.prefix}l${id}`,
            { ifAvailable: true },
            (lock) => lock && this.#take(id),
          ),
        );
      else if (index[id]! < now - LEASE_TTL) this.#take(id);
    }
    if (this.#first) void Promise.allSettled(looks).then(this.#looked);
    this.#timer = timers.setTimeout(this.#beat, HEARTBEAT);
  };

  /** The first look is over: this tab may send. */
  #looked = (): void => {
    if (!this.#first) return;
    this.#first = false;
    this.#config.ready();
  };

  /** Adopts a closed tab's queue and removes it from the index. */
  #take(id: string): void {
    const { writer, prefix } = this.#config;
    const { storage } = writer;
    const key = queueKey(prefix, id);
    const stored = readEntries(readJson(storage, key), this.#config.log);
    if (stored.length > 0) this.#config.adopt(stored);
    storage.remove(key);
    this.#index((index) => {
      delete index[id];
    });
  }

  /** The shared index of tabs: `id → last heartbeat` (0: closed). */
  #read(): Record<string, number> {
    const stored = readJson(this.#config.writer.storage, this.#indexKey);
    return isPlainObject(stored) ? (stored as Record<string, number>) : {};
  }

  /** Changes the index now (adopting, closing). */
  #index(change: (index: Record<string, number>) => void): void {
    const index = this.#read();
    change(index);
    this.#config.writer.storage.set(this.#indexKey, JSON.stringify(index));
  }
}
