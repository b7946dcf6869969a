/** Checks `SchematicClient` options at construction, naming the option that is wrong. */
import { isPlainObject, isPublishableKey, SchematicConfigError, withDefaults } from "@schematic-sdk/core";
import { DEFAULTS, type SchematicClientOptions } from "./defaults";

export type ResolvedOptions = SchematicClientOptions & typeof DEFAULTS;

const INTEGER_OPTIONS = [
  "maxRetries",
  "maxBatchSize",
  "maxQueueSize",
  "maxQueueBytes",
  "maxEventAttempts",
  "flagCacheSize",
] as const;
const DURATION_OPTIONS = ["timeout", "flushInterval", "flagTimeout", "flagCacheTtl"] as const;
const MIN: Partial<Record<string, number>> = {
  maxBatchSize: 1,
  maxQueueSize: 1,
  maxQueueBytes: 65_536,
  maxEventAttempts: 1,
  timeout: 1,
  flushInterval: 1,
  flagTimeout: 1,
};

const HOOK_NAMES = ["beforeRequest", "afterResponse", "beforeRetry", "beforeError"];

/** A value as a message shows it: strings quoted, so "1000" does not look like 1000. */
const describe = (value: unknown): string =>
  typeof value === "string"
    ? JSON.stringify(value)
    : typeof value === "function"
      ? "a function"
      : String(value);

const fail = (message: string): never => {
  throw new SchematicConfigError(`SchematicClient: ${message}`);
};

export function resolveOptions(options: SchematicClientOptions | undefined): ResolvedOptions {
  if (!isPlainObject(options))
    fail("pass an options object: new SchematicClient({ apiKey: process.env.SCHEMATIC_API_KEY })");
  const o = options as SchematicClientOptions;
  const { apiKey } = o;
  if (typeof apiKey !== "string" || apiKey.trim() === "") {
    fail(
      "apiKey is missing; pass your secret API key (sch_…), e.g. { apiKey: process.env.SCHEMATIC_API_KEY }",
    );
  }
  if (isPublishableKey(apiKey)) {
    fail(
      "apiKey is a publishable key (api_…), which is for browsers; the server client needs your secret key (sch_…)",
    );
  }
  const out = withDefaults(DEFAULTS, o) as ResolvedOptions;

  for (const name of ["apiUrl", "eventUrl"] as const) {
    const url = out[name];
    if (typeof url !== "string" || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      fail(`${name} must be an http(s) URL; got ${JSON.stringify(url)}`);
    }
  }
  for (const name of [...INTEGER_OPTIONS, ...DURATION_OPTIONS]) {
    const value = out[name];
    if (value === undefined && name === "maxQueueSize") continue;
    const min = MIN[name] ?? 0;
    if (
      typeof value !== "number" ||
      !Number.isFinite(value) ||
      value < min ||
      ((INTEGER_OPTIONS as readonly string[]).includes(name) && !Number.isInteger(value))
    ) {
      fail(
        `${name} must be a ${INTEGER_OPTIONS.includes(name as never) ? "whole number" : "number of milliseconds"} ≥ ${min}; got ${describe(value)}`,
      );
    }
  }
  if (out.fetch !== undefined && typeof out.fetch !== "function") fail("fetch must be a function");
  if (
    out.headers !== undefined &&
    (!isPlainObject(out.headers) || Object.values(out.headers).some((v) => typeof v !== "string"))
  ) {
    fail("headers must be an object of strings");
  }
  if (
    out.logger !== undefined &&
    ["debug", "info", "warn", "error"].some(
      (m) => typeof (out.logger as unknown as Record<string, unknown>)?.[m] !== "function",
    )
  ) {
    fail("logger must have debug, info, warn and error methods (console works)");
  }
  if (typeof out.offline !== "boolean") fail(`offline must be true or false; got ${describe(out.offline)}`);
  if (
    out.flagDefaults !== undefined &&
    (!isPlainObject(out.flagDefaults) || Object.values(out.flagDefaults).some((v) => typeof v !== "boolean"))
  ) {
    fail('flagDefaults must be an object of flag keys to true or false, e.g. { "new-dashboard": true }');
  }
  const cache = out.flagCache as unknown as Record<string, unknown> | undefined;
  if (cache !== undefined && (typeof cache?.get !== "function" || typeof cache?.set !== "function")) {
    fail("flagCache must have get(key) and set(key, check, ttlMs) methods, e.g. redisFlagCache({ client })");
  }
  const hooks = out.hooks as unknown as Record<string, unknown> | undefined;
  if (hooks !== undefined) {
    if (!isPlainObject(hooks))
      fail("hooks must be an object of ky hook arrays, e.g. { beforeRequest: [fn] }");
    for (const [name, list] of Object.entries(hooks)) {
      if (!HOOK_NAMES.includes(name)) fail(`hooks.${name} is not a hook; use ${HOOK_NAMES.join(", ")}`);
      if (!Array.isArray(list) || list.some((f) => typeof f !== "function"))
        fail(`hooks.${name} must be an array of functions`);
    }
  }
  if (!["debug", "info", "warn", "error"].includes(out.logLevel))
    fail(`logLevel must be debug, info, warn or error; got ${describe(out.logLevel)}`);
  return out;
}
