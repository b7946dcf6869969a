/** Text for the values the inspector shows. */
import type { WireFlagCheck } from "@schematic-sdk/core";
import type { EntitlementValue } from "../../catalog";

const PERIODS: Record<string, string> = {
  all_time: "in total",
  current_month: "this month",
  current_week: "this week",
  current_day: "today",
};

export const periodText = (period: string | null | undefined): string =>
  period ? (PERIODS[period] ?? period) : "";

/** `12:04:05.123`, local time. */
export function timeText(at: string | number): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return String(at);
  const pad = (n: number, size = 2) => String(n).padStart(size, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** JSON as one line (or indented), never throwing. */
export function jsonText(value: unknown, indent?: number): string {
  try {
    return JSON.stringify(value, null, indent) ?? "";
  } catch {
    return "[cannot be shown]";
  }
}

/** What an entitlement grants: `on`, `off`, `unlimited`, `3 this month`. */
export function grantText(value: EntitlementValue | undefined): string {
  if (value === undefined) return "—";
  if (value === true) return "on";
  if (value === false) return "off";
  if (value === "unlimited") return "unlimited";
  return `${value.allocation}${value.period ? ` ${periodText(value.period)}` : ""}`;
}

/** `2 / 3 today`, `5 used`, or "" for an answer with no usage. */
export function usageText(answer: WireFlagCheck): string {
  const usage = answer.feature_usage;
  if (usage === null || usage === undefined) return "";
  const allocation = answer.feature_allocation;
  const period = periodText(answer.feature_usage_period);
  return allocation === null || allocation === undefined
    ? `${usage} used${period ? ` ${period}` : ""}`
    : `${usage} / ${allocation}${period ? ` ${period}` : ""}`;
}

/** The share of the allocation used, 0..1, or undefined without an allocation. */
export function usageShare(answer: WireFlagCheck): number | undefined {
  const { feature_usage: usage, feature_allocation: allocation } = answer;
  if (usage === null || usage === undefined || allocation === null || allocation === undefined)
    return undefined;
  return allocation === 0 ? 1 : Math.min(1, usage / allocation);
}
