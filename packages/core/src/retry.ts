/**
 * The retry policy shared by the browser queue and the Node client: which
 * failures are worth another try, how long to wait before it, and the one
 * pause (`Backoff`) every sender keeps.
 */
import { monotonicNow } from "./clock";
import { isSchematicApiError, isSchematicNetworkError, isSchematicTimeoutError } from "./errors";

export interface RetryPolicy {
  /**
   * Upper bound of the first retry's delay; each later retry doubles it.
   * @default 1000
   */
  baseDelay: number;
  /**
   * Cap of the backoff delay.
   * @default 30000
   */
  maxDelay: number;
  /**
   * The longest `Retry-After` honoured; a server asking for more gets this.
   * @default 300000
   */
  maxRetryAfter: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  baseDelay: 1000,
  maxDelay: 30_000,
  maxRetryAfter: 300_000,
});

/** 408, 429 and every 5xx are worth retrying; other statuses will fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Whether a failed request is worth another try: network errors, timeouts and retryable statuses. */
export function isRetryable(error: unknown): boolean {
  if (isSchematicApiError(error)) return isRetryableStatus(error.status);
  return isSchematicNetworkError(error) || isSchematicTimeoutError(error);
}

/**
 * Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds from
 * `now`. Answers undefined when absent or unreadable; a date in the past is 0.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its day and month; bare numbers (say "-5") are not dates.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Delay before retry number `attempt` (0 for the first retry): exponential
 * backoff with full jitter, or the server's `Retry-After` when it gave one.
 */
export function retryDelay(params: {
  attempt: number;
  retryAfter?: number | undefined;
  policy?: Partial<RetryPolicy>;
  random?: () => number;
}): number {
  const policy = { ...DEFAULT_RETRY_POLICY, ...params.policy };
  if (params.retryAfter !== undefined) return Math.min(params.retryAfter, policy.maxRetryAfter);
  const ceiling = Math.min(policy.maxDelay, policy.baseDelay * 2 ** Math.min(params.attempt, 30));
  return Math.floor((params.random ?? Math.random)() * ceiling);
}

/**
 * One sender's pause: each failure asks it whether to try again (only
 * retryable failures, see `isRetryable`) and how long to wait (`retryDelay`:
 * backoff or the server's `Retry-After`, capped), and holds every later send
 * until that wait has passed. Time is measured on the monotonic clock, so a
 * wall clock stepped back never stretches a pause.
 *
 * @example
 * const backoff = new Backoff();
 * const delay = backoff.fail(error, attempt); // undefined: give up (say a 400)
 * if (backoff.wait() > 0) scheduleLater(backoff.wait());
 */
export class Backoff {
  readonly #policy: Partial<RetryPolicy> | undefined;
  #until = 0;

  constructor(policy?: Partial<RetryPolicy>) {
    this.#policy = policy;
  }

  /**
   * Records failed attempt number `attempt` (0 for the first). Answers the
   * delay before the next one and pauses sending until it has passed, or
   * undefined when the failure is not worth retrying.
   */
  fail(error: unknown, attempt: number): number | undefined {
    if (!isRetryable(error)) return undefined;
    const retryAfter = isSchematicApiError(error) ? error.retryAfter : undefined;
    const delay = retryDelay({ attempt, retryAfter, policy: this.#policy });
    this.#until = Math.max(this.#until, monotonicNow() + delay);
    return delay;
  }

  /** Milliseconds before sending may resume; 0 when it may now. */
  wait(): number {
    return Math.max(0, this.#until - monotonicNow());
  }
}
