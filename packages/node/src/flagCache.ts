/**
 * Where flag answers are kept: a provider the client reads before asking
 * the API and writes after. The default is `MemoryFlagCache`, one per
 * client; `redisFlagCache` (from `@schematic-sdk/node/redis`) shares answers
 * across a fleet.
 */
import type { FlagCheck } from "@schematic-sdk/core";

/**
 * A flag cache: whole `FlagCheck`s by key, each with its time to live. Keys
 * are opaque strings made by the client (flag and context, independent of
 * key order). A provider may fail or be slow: the client bounds each call and
 * asks the API instead, so an outage never becomes an error.
 * @example
 * ```ts
 * const flagCache: FlagCacheProvider = {
 *   get: async (key) => myStore.get(key),
 *   set: async (key, check, ttlMs) => myStore.set(key, check, ttlMs),
 * };
 * new SchematicClient({ apiKey, flagCache });
 * ```
 */
export interface FlagCacheProvider {
  get(key: string): Promise<FlagCheck | undefined>;
  set(key: string, check: FlagCheck, ttlMs: number): Promise<void>;
}

/**
 * The time for TTL checks, read from the system clock once per macrotask
 * (a clock read costs as much as the rest of a hit on some virtual machines).
 * Within one task time stands still, as it does for Node's own timers.
 */
let taskNow = 0;
let taskNowValid = false;
function clock(): number {
  if (!taskNowValid) {
    taskNow = Date.now();
    taskNowValid = true;
    const timer = setTimeout(() => {
      taskNowValid = false;
    }, 0) as unknown as { unref?: () => void };
    timer.unref?.();
  }
  return taskNow;
}

interface Entry {
  check: FlagCheck;
  expires: number;
  /** Read since the eviction hand last passed it. */
  used: boolean;
}

/**
 * An LRU-like cache with a time to live, in memory. A read only marks its
 * entry as used (no reordering); eviction takes the oldest entry not used
 * since it was last looked at, giving used ones a second chance at the end
 * (the CLOCK approximation of LRU), so a hit costs one map lookup, and none
 * when it is of the key read last.
 */
export class MemoryFlagCache implements FlagCacheProvider {
  readonly #entries = new Map<string, Entry>();
  readonly #size: number;
  /** The entry read last and its key: a run of hits of one key skips the map (reset by every store). */
  #lastKey: string | undefined;
  #lastEntry: Entry | undefined;

  constructor(params: { size: number }) {
    this.#size = params.size;
  }

  /** The fresh answer under `key`, synchronously. */
  peek(key: string): FlagCheck | undefined {
    let entry = this.#lastEntry;
    if (entry === undefined || key !== this.#lastKey) {
      entry = this.#entries.get(key);
      if (entry === undefined) return undefined;
      this.#lastKey = key;
      this.#lastEntry = entry;
    }
    if (entry.expires <= clock()) {
      this.#forget(key);
      return undefined;
    }
    entry.used = true;
    return entry.check;
  }

  get(key: string): Promise<FlagCheck | undefined> {
    return Promise.resolve(this.peek(key));
  }

  set(key: string, check: FlagCheck, ttlMs: number): Promise<void> {
    this.store(key, check, ttlMs);
    return Promise.resolve();
  }

  store(key: string, check: FlagCheck, ttlMs: number): void {
    if (ttlMs <= 0 || this.#size <= 0) return;
    const entries = this.#entries;
    this.#forget(key);
    // Room first: the answer being stored is never the one evicted for it.
    while (entries.size >= this.#size) this.#evictOne();
    entries.set(key, { check, expires: clock() + ttlMs, used: false });
  }

  #forget(key: string): void {
    this.#entries.delete(key);
    this.#lastKey = undefined;
    this.#lastEntry = undefined;
  }

  #evictOne(): void {
    const entries = this.#entries;
    for (const [key, entry] of entries) {
      entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      entries.set(key, entry);
    }
  }
}
