/**
 * When answers were had, and asking again: an answer is fresh for
 * `flagCacheTtl` after it came; while watched (mounted), everything shown is
 * asked again when that time has passed (stale-while-revalidate: the shown
 * values stay until the new ones arrive).
 */
import { monotonicNow, type Timers } from "@schematic-sdk/core";

export class Freshness {
  /** When each answer came (monotonic ms); restored answers have none, so they are asked again. */
  #at: Record<string, number> = {};
  #watching = false;
  #timer: unknown;
  readonly #timers: Timers;
  readonly #ttl: number;
  readonly #ask: () => void;

  /** @param ask asks again for everything shown */
  constructor(params: { timers: Timers; ttl: number; ask: () => void }) {
    this.#timers = params.timers;
    this.#ttl = params.ttl;
    this.#ask = params.ask;
  }

  /** Answered within `flagCacheTtl`. (Never answered: `now - undefined` is NaN, never under it.) */
  isFresh(flag: string): boolean {
    return monotonicNow() - this.#at[flag]! < this.#ttl;
  }

  /** `flag` was answered now. */
  answered(flag: string, now = monotonicNow()): void {
    this.#at[flag] = now;
  }

  /** A new context: nothing answered yet. */
  clear(): void {
    this.#at = {};
  }

  /**
   * Starts (mount) or stops watching; started, what is shown and not fresh is
   * asked for at once, the rest when it goes stale. Nothing shown: nothing to
   * ask for (an app that only identifies and tracks sends no flag request).
   */
  watch(on: boolean, shown: object): void {
    this.#watching = on;
    this.#timers.clearTimeout(this.#timer);
    if (!on) return;
    let any = false;
    for (const flag in shown) {
      if (!this.isFresh(flag)) return void this.#ask();
      any = true;
    }
    if (any) this.arm();
  }

  /** While watched: asks again `flagCacheTtl` from now. */
  arm(): void {
    if (!this.#watching) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(this.#ask, this.#ttl);
  }
}
