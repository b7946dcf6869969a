/** Checks `SchematicClient` options at construction with core's checker, naming the option that is wrong. */
import {
  checkOptions,
  optionRules as is,
  isPlainObject,
  isPublishableKey,
  type OptionRule,
  SchematicConfigError,
  withDefaults,
} from "@schematic-sdk/core";
import { DEFAULTS, type SchematicClientOptions } from "./defaults";

export type ResolvedOptions = SchematicClientOptions & typeof DEFAULTS;

const HOOK_NAMES = ["beforeRequest", "afterResponse", "beforeRetry", "beforeError"];
const LEVELS = ["debug", "info", "warn", "error"];

/** Every option `SchematicClient` takes, with what it takes; any other name is refused. */
const RULES: Record<keyof SchematicClientOptions, OptionRule> = {
  apiKey: null, // checked first, with its own messages
  apiUrl: is.url,
  eventUrl: is.url,
  timeout: is.ms(1),
  maxRetries: is.count(0),
  fetch: is.function,
  headers: (v) =>
    isPlainObject(v) && Object.values(v).every((x) => typeof x === "string")
      ? undefined
      : 'an object of strings, like { "x-request-source": "worker" }',
  flushInterval: is.ms(1),
  maxBatchSize: is.count(1),
  maxQueueSize: is.count(1),
  maxQueueBytes: is.count(65_536),
  maxEventAttempts: is.count(1),
  flagTimeout: is.ms(1),
  flagCacheTtl: is.ms(0),
  flagCacheSize: is.count(0),
  logger: (v) =>
    is.methods(...LEVELS)(v)
      ? "an object with debug, info, warn and error methods (console works)"
      : undefined,
  logLevel: is.oneOf(...LEVELS),
  hooks: (v) => {
    if (!isPlainObject(v)) return "an object of ky hook arrays, like { beforeRequest: [fn] }";
    for (const [name, list] of Object.entries(v)) {
      if (!HOOK_NAMES.includes(name))
        return `an object of hook arrays; "${name}" is not a hook: use ${HOOK_NAMES.join(", ")}`;
      if (!Array.isArray(list) || list.some((f) => typeof f !== "function"))
        return `an object of hook arrays; hooks.${name} must be an array of functions`;
    }
    return undefined;
  },
  flagCache: (v) =>
    is.methods("get", "set")(v) &&
    "an object with get(key) and set(key, check, ttlMs) methods, like redisFlagCache({ client })",
  offline: is.switch,
  flagDefaults: (v) =>
    isPlainObject(v) && Object.values(v).every((x) => typeof x === "boolean")
      ? undefined
      : 'an object of flag keys to true or false, like { "new-dashboard": true }',
};

const fail = (message: string): never => {
  throw new SchematicConfigError(`SchematicClient: ${message}`);
};

export function resolveOptions(options: SchematicClientOptions | undefined): ResolvedOptions {
  if (!isPlainObject(options))
    fail("pass an options object: new SchematicClient({ apiKey: process.env.SCHEMATIC_API_KEY })");
  const { apiKey } = options as SchematicClientOptions;
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
  checkOptions("SchematicClient", options, RULES);
  return withDefaults(DEFAULTS, options as SchematicClientOptions) as ResolvedOptions;
}
