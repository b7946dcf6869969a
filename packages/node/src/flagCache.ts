/**
 * A small LRU cache with a time to live, for flag answers. A `Map` keeps
 * insertion order, so re-inserting on read makes the first key the least
 * recently used.
 */
export class FlagCache {
  readonly #entries = new Map<string, { value: boolean; expires: number }>();
  readonly #ttl: number;
  readonly #size: number;

  constructor(params: { ttl: number; size: number }) {
    this.#ttl = params.ttl;
    this.#size = params.size;
  }

  get(key: string, now = Date.now()): boolean | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: boolean, now = Date.now()): void {
    if (this.#ttl <= 0 || this.#size <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: now + this.#ttl });
    if (this.#entries.size > this.#size) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  clear(): void {
    this.#entries.clear();
  }
}
