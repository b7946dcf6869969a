/**
 * `@schematic-sdk/node/redis`: a flag cache every process of a fleet shares,
 * on a `redis` (node-redis ≥ 4) client the app creates and connects. What one
 * process asked, the others answer without a request. The client is used
 * through the few methods below only, so this entry imports nothing.
 */
import type { FlagCheck } from "@schematic-sdk/core";
import type { FlagCacheProvider } from "./flagCache";

/** The part of a node-redis client (or cluster) the cache uses. */
export interface RedisLikeClient {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { expiration: { type: "PX"; value: number } }): Promise<unknown>;
  /** node-redis: connected and ready; while false the cache answers misses without queueing commands. */
  readonly isReady?: boolean;
  on?(event: "error", listener: (error: unknown) => void): unknown;
}

/**
 * Options of `redisFlagCache`.
 * @example
 * ```ts
 * redisFlagCache({ client: redis, prefix: "schematic:", timeout: 50 });
 * ```
 */
export interface RedisFlagCacheOptions {
  /** A connected node-redis client: `await createClient({ url }).connect()`. */
  client: RedisLikeClient;
  /**
   * Put before every key, so several apps or environments can share one Redis.
   * @default "schematic:flags:"
   */
  prefix?: string;
  /**
   * Milliseconds one Redis command may take before the flag is asked of the API instead.
   * @default 100
   */
  timeout?: number;
}

const DATE_FIELDS = ["featureUsageResetAt"] as const;

/**
 * A flag cache in Redis. Values are whole `FlagCheck`s as JSON (dates come
 * back as `Date`s) with the client's time to live. When Redis is down, slow
 * or answers junk, a read is a miss and a write is skipped: the flag is
 * asked of the API, never an error and never a hang (each command is bounded
 * by `timeout`, and nothing is queued while the client is not ready). An
 * `error` listener is added to the client so that its connection errors do
 * not end the process; the Schematic client logs the outage once.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { SchematicClient } from "@schematic-sdk/node";
 * import { redisFlagCache } from "@schematic-sdk/node/redis";
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).connect();
 * const schematic = new SchematicClient({ apiKey, flagCache: redisFlagCache({ client: redis, prefix: "schematic:" }) });
 * ```
 */
export function redisFlagCache(options: RedisFlagCacheOptions): FlagCacheProvider {
  const { client } = options ?? ({} as RedisFlagCacheOptions);
  if (!client || typeof client.get !== "function" || typeof client.set !== "function") {
    throw new TypeError(
      "redisFlagCache: pass { client } with a connected node-redis client: await createClient({ url }).connect()",
    );
  }
  const prefix = options.prefix ?? "schematic:flags:";
  const timeout = options.timeout ?? 100;
  if (typeof prefix !== "string") throw new TypeError("redisFlagCache: prefix must be a string");
  if (typeof timeout !== "number" || !(timeout > 0)) {
    throw new TypeError(
      `redisFlagCache: timeout must be a number of milliseconds > 0; got ${String(timeout)}`,
    );
  }
  client.on?.("error", () => {
    // Reported by the Schematic client as a failed read or write; reconnecting is node-redis's job.
  });

  const bounded = <T>(what: string, run: () => Promise<T>): Promise<T> => {
    if (client.isReady === false) return Promise.reject(new Error("Redis is not connected"));
    let timer: ReturnType<typeof setTimeout> | undefined;
    return Promise.race([
      run(),
      new Promise<never>((_, reject) => {
        // Not unref'd: someone awaits the answer (a flag check, or close() waiting for writes).
        timer = setTimeout(() => reject(new Error(`Redis ${what} took over ${timeout} ms`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
  };

  return {
    async get(key) {
      const text = await bounded("GET", () => client.get(prefix + key));
      if (typeof text !== "string") return undefined;
      const check = JSON.parse(text) as FlagCheck;
      if (!check || typeof check !== "object" || typeof check.value !== "boolean") return undefined;
      for (const field of DATE_FIELDS) {
        if (typeof check[field] === "string") check[field] = new Date(check[field] as unknown as string);
      }
      return check;
    },
    async set(key, check, ttlMs) {
      await bounded("SET", () =>
        client.set(prefix + key, JSON.stringify(check), {
          expiration: { type: "PX", value: Math.max(1, Math.round(ttlMs)) },
        }),
      );
    },
  };
}

export type { FlagCacheProvider } from "./flagCache";
