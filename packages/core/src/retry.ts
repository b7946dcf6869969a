/**
 * The retry policy shared by the browser queue and the Node client: which
 * failures are worth another try, and how long to wait before it.
 */
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
  if (value == null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
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
