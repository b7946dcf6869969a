/** A console-compatible logger. */
import { maskKey } from "./keys";

export interface Logger {
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

const LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LEVELS)[number];

const noop = () => {};

/**
 * Wraps a logger so the API key never appears whole in what it prints
 * (strings and error messages are masked), prefixes `[schematic]`, and drops
 * messages below `level`. A logger that throws is ignored for that line.
 */
export function createLogger(params: {
  logger?: Logger | undefined;
  apiKey?: string;
  level?: LogLevel;
}): Logger {
  const target = params.logger ?? console;
  const min = LEVELS.indexOf(params.level ?? "warn");
  const { apiKey } = params;
  const mask = (value: unknown): unknown => {
    if (!apiKey) return value;
    if (typeof value === "string") return value.split(apiKey).join(maskKey(apiKey));
    if (value instanceof Error && value.message.includes(apiKey)) {
      const copy = new Error(String(mask(value.message)));
      copy.name = value.name;
      return copy;
    }
    return value;
  };
  const out = {} as Logger;
  LEVELS.forEach((level, i) => {
    out[level] =
      i < min
        ? noop
        : (...args) => {
            try {
              target[level]("[schematic]", ...args.map(mask));
            } catch {
              // a throwing logger must not break the call that logs
            }
          };
  });
  return out;
}
