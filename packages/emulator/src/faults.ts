/**
 * Fault injection for resilience tests: a share of requests answered 503, a
 * delay before every answer, and a request-rate limit answered 429 with
 * `Retry-After`. Faults are decided before a request touches any state.
 */

/** Fault settings; each is off when absent or 0. */
export interface FaultOptions {
  /** Share of API requests answered 503, from 0 to 1. */
  failRate?: number;
  /** Milliseconds to wait before handling each API request. */
  latency?: number;
  /** API requests per second allowed (a token bucket holding one second's worth); the rest get 429. */
  rateLimit?: number;
}

/** What to do with a request: serve it, or answer with a fault. */
export type FaultDecision = { kind: "serve" } | { kind: "fail" } | { kind: "rate-limit"; retryAfter: number };

function check(options: FaultOptions): void {
  const { failRate, latency, rateLimit } = options;
  if (failRate !== undefined && !(failRate >= 0 && failRate <= 1)) {
    throw new RangeError(`failRate must be between 0 and 1 (got ${failRate})`);
  }
  if (latency !== undefined && !(latency >= 0 && Number.isFinite(latency))) {
    throw new RangeError(`latency must be a non-negative number of milliseconds (got ${latency})`);
  }
  if (rateLimit !== undefined && !(rateLimit >= 0 && Number.isFinite(rateLimit))) {
    throw new RangeError(`rateLimit must be a non-negative number of requests a second (got ${rateLimit})`);
  }
}

export class Faults {
  #options: Required<FaultOptions> = { failRate: 0, latency: 0, rateLimit: 0 };
  readonly #random: () => number;
  readonly #now: () => number;
  #tokens = 0;
  #refilledAt = 0;

  constructor(options: FaultOptions & { random?: () => number; now?: () => number } = {}) {
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.set(options);
  }

  /** Changes some settings; the others stay. A new rate limit starts with a full bucket. */
  set(options: FaultOptions): void {
    check(options);
    const next = { ...this.#options };
    if (options.failRate !== undefined) next.failRate = options.failRate;
    if (options.latency !== undefined) next.latency = options.latency;
    if (options.rateLimit !== undefined) {
      next.rateLimit = options.rateLimit;
      this.#tokens = options.rateLimit;
      this.#refilledAt = this.#now();
    }
    this.#options = next;
  }

  get(): Required<FaultOptions> {
    return { ...this.#options };
  }

  get latency(): number {
    return this.#options.latency;
  }

  decide(): FaultDecision {
    const { failRate, rateLimit } = this.#options;
    if (failRate > 0 && this.#random() < failRate) return { kind: "fail" };
    if (rateLimit > 0) {
      const now = this.#now();
      this.#tokens = Math.min(rateLimit, this.#tokens + ((now - this.#refilledAt) / 1000) * rateLimit);
      this.#refilledAt = now;
      if (this.#tokens < 1) {
        return { kind: "rate-limit", retryAfter: Math.max(1, Math.ceil((1 - this.#tokens) / rateLimit)) };
      }
      this.#tokens -= 1;
    }
    return { kind: "serve" };
  }
}
