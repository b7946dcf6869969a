/**
 * Metered usage: the sum of track quantities per company, per event name and
 * per period, kept up to date as events arrive, so a flag check reads a
 * number instead of summing stored events. Each period keeps only its current
 * window (its start and sum); an event in a later window restarts it.
 */
import { type Period, periodBounds } from "./periods";

type Windowed = Exclude<Period, "all_time">;
const WINDOWED: readonly Windowed[] = ["current_month", "current_week", "current_day"];

/** One window of a period: when it started and what was used in it. */
export interface UsageWindow {
  start: number;
  sum: number;
}

/** The usage of one event by one company, as a `--data` file holds it. */
export interface UsageRecord {
  company_id: string;
  event: string;
  total: number;
  windows: Record<Windowed, UsageWindow>;
}

export class UsageMeter {
  /** company id → event name → record */
  readonly #byCompany = new Map<string, Map<string, UsageRecord>>();
  /** The window of each period last asked for: events of a burst share it, so it is computed once. */
  readonly #bounds = new Map<Windowed, { start: number; end: number }>();

  /** The start of the window of `period` containing `at`. */
  #start(period: Windowed, at: number): number {
    let bounds = this.#bounds.get(period);
    if (bounds === undefined || at < bounds.start || at >= bounds.end) {
      bounds = periodBounds(period, at);
      this.#bounds.set(period, bounds);
    }
    return bounds.start;
  }

  /** Adds `quantity` of `event` for the company at time `at`. */
  add(companyId: string, event: string, quantity: number, at: number): void {
    const events = this.#eventsOf(companyId);
    let record = events.get(event);
    if (!record) {
      const windows = {} as Record<Windowed, UsageWindow>;
      for (const period of WINDOWED) windows[period] = { start: this.#start(period, at), sum: 0 };
      record = { company_id: companyId, event, total: 0, windows };
      events.set(event, record);
    }
    record.total += quantity;
    for (const period of WINDOWED) {
      const window = record.windows[period];
      const start = this.#start(period, at);
      if (start > window.start) {
        window.start = start;
        window.sum = quantity;
      } else if (start === window.start) window.sum += quantity;
      // An event stamped in an earlier window (a clock set back) belongs to a period already over.
    }
  }

  /** Usage of `event` by the company in the period containing `now`. */
  read(companyId: string, event: string, period: Period, now: number): number {
    const record = this.#byCompany.get(companyId)?.get(event);
    if (!record) return 0;
    if (period === "all_time") return record.total;
    const window = record.windows[period];
    return window.start === this.#start(period, now) ? window.sum : 0;
  }

  /** Whether the company has used `event` at all (cheap check before reading). */
  has(companyId: string, event: string): boolean {
    return this.#byCompany.get(companyId)?.has(event) ?? false;
  }

  all(): UsageRecord[] {
    const out: UsageRecord[] = [];
    for (const events of this.#byCompany.values()) for (const record of events.values()) out.push(record);
    return out;
  }

  load(records: UsageRecord[]): void {
    for (const record of records) this.#eventsOf(record.company_id).set(record.event, record);
  }

  #eventsOf(companyId: string): Map<string, UsageRecord> {
    let events = this.#byCompany.get(companyId);
    if (!events) {
      events = new Map();
      this.#byCompany.set(companyId, events);
    }
    return events;
  }

  clear(): void {
    this.#byCompany.clear();
  }
}
