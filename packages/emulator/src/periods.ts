/**
 * Usage periods, in UTC. A week starts on Monday 00:00 UTC, a month on its
 * first day; `all_time` never resets.
 */
export const PERIODS = ["all_time", "current_month", "current_week", "current_day"] as const;
export type Period = (typeof PERIODS)[number];

const DAY = 86_400_000;

/** The start and end (ms since the epoch) of the period containing `now`; all_time is (-∞, ∞). */
export function periodBounds(period: Period, now: number): { start: number; end: number } {
  if (period === "all_time") return { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY };
  const date = new Date(now);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (period === "current_month")
    return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + 1, 1) };
  const day = Date.UTC(year, month, date.getUTCDate());
  if (period === "current_day") return { start: day, end: day + DAY };
  const start = day - ((date.getUTCDay() + 6) % 7) * DAY;
  return { start, end: start + 7 * DAY };
}

/** How a reason names the period: "this month", "today". */
export const PERIOD_WORDS: Record<Period, string> = {
  all_time: "in total",
  current_month: "this month",
  current_week: "this week",
  current_day: "today",
};
