/**
 * The arrival log of API requests, and their counts: when each came, what it
 * asked and what it got. Resilience tests read it to assert timing ("nothing
 * was sent before Retry-After passed"). A ring buffer keeps memory flat under
 * benchmarks; the counts cover every request, not just those still kept.
 */

/** One API request as the emulator saw it. */
export interface RequestLogEntry {
  /** Arrival time, milliseconds since the epoch (before any injected latency). */
  at: number;
  method: string;
  /** The path, without the query string. */
  path: string;
  /** The status answered; 0 while the request is still being handled. */
  status: number;
  /** Milliseconds from arrival to the answer, injected latency included; absent while still handled. */
  ms?: number;
  /** Set when the answer was an injected fault. */
  fault?: "fail" | "rate-limit";
  /** The `Retry-After` (seconds) given with a 429. */
  retryAfter?: number;
  /** `X-Schematic-Client-Version`, when sent. */
  clientVersion?: string;
}

/** Filters for {@link RequestLog.entries}. */
export interface RequestLogFilter {
  method?: string;
  path?: string;
  /** Only entries that arrived at or after this time (ms since the epoch). */
  since?: number;
}

/** Counts of API requests. */
export interface RequestCounts {
  requests: number;
  statuses: Record<string, number>;
  failed: number;
  rateLimited: number;
}

const noCounts = (): RequestCounts => ({ requests: 0, statuses: {}, failed: 0, rateLimited: 0 });

export class RequestLog {
  readonly #limit: number;
  readonly #now: () => number;
  #entries: RequestLogEntry[] = [];
  #start = 0;
  #counts = noCounts();
  /** Monotonic arrival times, for latencies that a clock set by a test does not distort. */
  readonly #started = new WeakMap<RequestLogEntry, number>();
  readonly #listeners = new Set<() => void>();

  constructor(limit: number, now: () => number) {
    this.#limit = Math.max(1, limit);
    this.#now = now;
  }

  /** Logs an arrival now; {@link settle} fills in the answer. */
  arrive(request: Pick<RequestLogEntry, "method" | "path" | "clientVersion">): RequestLogEntry {
    this.#counts.requests++;
    const entry: RequestLogEntry = { at: this.#now(), method: request.method, path: request.path, status: 0 };
    if (request.clientVersion !== undefined) entry.clientVersion = request.clientVersion;
    this.#started.set(entry, performance.now());
    return this.#add(entry);
  }

  /** Records the answer to a logged request. */
  settle(entry: RequestLogEntry, status: number, fault?: RequestLogEntry["fault"]): void {
    const counts = this.#counts;
    entry.status = status;
    const started = this.#started.get(entry);
    if (started !== undefined) entry.ms = Math.round((performance.now() - started) * 100) / 100;
    counts.statuses[status] = (counts.statuses[status] ?? 0) + 1;
    if (fault) entry.fault = fault;
    if (fault === "fail") counts.failed++;
    if (fault === "rate-limit") counts.rateLimited++;
    this.#notify();
  }

  /** Calls `listener` after each answered request and each clear; returns an unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#listeners) listener();
  }

  counts(): RequestCounts {
    return { ...this.#counts, statuses: { ...this.#counts.statuses } };
  }

  #add(entry: RequestLogEntry): RequestLogEntry {
    if (this.#entries.length < this.#limit) this.#entries.push(entry);
    else {
      this.#entries[this.#start] = entry;
      this.#start = (this.#start + 1) % this.#limit;
    }
    return entry;
  }

  /** The latest `count` entries, newest first (copies). */
  latest(count: number): RequestLogEntry[] {
    const out: RequestLogEntry[] = [];
    const size = this.#entries.length;
    for (let i = 1; i <= Math.min(count, size); i++) {
      out.push({ ...this.#entries[(this.#start - i + size) % size]! });
    }
    return out;
  }

  /** Oldest first; copies, so callers cannot edit the log. */
  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    const ordered = this.#entries.slice(this.#start).concat(this.#entries.slice(0, this.#start));
    return ordered
      .filter(
        (e) =>
          (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
          (filter.path === undefined || e.path === filter.path) &&
          (filter.since === undefined || e.at >= filter.since),
      )
      .map((e) => ({ ...e }));
  }

  clear(): void {
    this.#entries = [];
    this.#start = 0;
    this.#counts = noCounts();
    this.#notify();
  }
}
