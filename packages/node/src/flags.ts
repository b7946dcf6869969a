/**
 * Flag checks: `POST /flags/{key}/check` answers kept whole (a `FlagCheck`)
 * in the flag cache; identical checks in flight share one request; any
 * failure answers the fallback. A hit in the default memory cache costs a
 * key (reused when the flag's last context is asked again, see
 * `RecentKeys`) and one map lookup: no validation (a context that would not
 * validate was never cached), no reordering, no async step of its own.
 */
import {
  type Context,
  type FlagCheck,
  fromWireFlagCheck,
  type Logger,
  validateContext,
  validateFlagKey,
  type WireEnvelope,
  type WireFlagCheck,
} from "@schematic-sdk/core";
import type { ApiClient } from "./api";
import { describeFailure } from "./failures";
import { type FlagCacheProvider, MemoryFlagCache } from "./flagCache";
import { flagCacheKey } from "./flagKey";
import { RecentKeys } from "./recentKeys";

/** Per-call options of `checkFlag` and `checkEntitlement`. */
export interface FlagCallOptions {
  fallback?: boolean | undefined;
  timeout?: number | undefined;
}

const NO_CONTEXT = Object.freeze({});
/** A hit answers one of these: a settled promise is immutable, so every hit can share it. */
const TRUE = Promise.resolve(true);
const FALSE = Promise.resolve(false);

export class Flags {
  readonly #api: ApiClient;
  readonly #log: Logger;
  readonly #cache: FlagCacheProvider;
  /** The cache when it is the built-in memory one: read synchronously. */
  readonly #memory: MemoryFlagCache | undefined;
  readonly #ttl: number;
  readonly #timeout: number;
  readonly #defaults: Readonly<Record<string, boolean>>;
  readonly #offline: boolean;
  readonly #recentKeys = new RecentKeys();
  readonly #asks = new Map<string, Promise<FlagCheck | undefined>>();
  readonly #writes = new Set<Promise<unknown>>();
  readonly #notFoundLogged = new Set<string>();
  #failureLogged = false;
  #cacheFailureLogged = false;

  constructor(params: {
    api: ApiClient;
    logger: Logger;
    cache: FlagCacheProvider | undefined;
    ttl: number;
    size: number;
    timeout: number;
    defaults: Readonly<Record<string, boolean>> | undefined;
    offline: boolean;
  }) {
    this.#api = params.api;
    this.#log = params.logger;
    this.#cache = params.cache ?? new MemoryFlagCache({ size: params.size });
    this.#memory = this.#cache instanceof MemoryFlagCache ? this.#cache : undefined;
    this.#ttl = params.ttl;
    this.#timeout = params.timeout;
    this.#defaults = params.defaults ?? {};
    this.#offline = params.offline;
  }

  /** The flag's value: a cache hit answers without an async step of its own. */
  value(flag: string, context: Context | undefined, options: FlagCallOptions | undefined): Promise<boolean> {
    const memory = this.#memory;
    if (memory !== undefined) {
      const key = this.#recentKeys.key(flag, context === undefined ? NO_CONTEXT : context);
      const hit = key === undefined ? undefined : memory.peek(key);
      if (hit !== undefined) return hit.value ? TRUE : FALSE;
    }
    return this.check(flag, context, options).then((check) => check.value);
  }

  /** The whole answer; never rejects but for invalid input. */
  async check(
    flag: string,
    context: Context | undefined,
    options: FlagCallOptions | undefined,
  ): Promise<FlagCheck> {
    const validFlag = validateFlagKey(flag);
    const ctx = validateContext(context === undefined ? {} : context);
    const fallback = options?.fallback ?? this.#defaults[validFlag] ?? false;
    if (this.#offline) return { flag: validFlag, value: fallback, reason: "offline" };
    const key = flagCacheKey(validFlag, ctx)!;
    let ask = this.#asks.get(key);
    if (!ask) {
      ask = this.#ask(validFlag, ctx, key, options?.timeout ?? this.#timeout).finally(() =>
        this.#asks.delete(key),
      );
      this.#asks.set(key, ask);
    }
    return (await ask) ?? { flag: validFlag, value: fallback, reason: "fallback" };
  }

  /** Resolves when the cache writes started so far are done (or failed). */
  async settle(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  async #ask(flag: string, ctx: Context, key: string, timeout: number): Promise<FlagCheck | undefined> {
    const cached = this.#memory ? this.#memory.peek(key) : await this.#cacheGet(key, timeout);
    if (cached) return cached;
    let check: FlagCheck;
    try {
      const answer = (await this.#api.post({
        path: `/flags/${encodeURIComponent(flag)}/check`,
        body: JSON.stringify(ctx),
        timeout,
        retries: 0,
      })) as WireEnvelope<WireFlagCheck> | undefined;
      if (!answer?.data || typeof answer.data !== "object") throw new Error('the answer has no "data"');
      check = Object.freeze(fromWireFlagCheck({ ...answer.data, flag: answer.data.flag ?? flag }));
    } catch (error) {
      if (!this.#failureLogged) {
        this.#failureLogged = true;
        this.#log.warn(
          `flag check "${flag}" failed; answering fallbacks until one succeeds:`,
          describeFailure(error, "apiUrl"),
        );
      }
      return undefined;
    }
    this.#failureLogged = false;
    if (check.reason === "Flag not found" && !this.#notFoundLogged.has(flag)) {
      this.#notFoundLogged.add(flag);
      this.#log.warn(
        `flag "${flag}" does not exist (the API said "Flag not found"); is the key spelled right?`,
      );
    }
    this.#cacheSet(key, check);
    return check;
  }

  async #cacheGet(key: string, timeout: number): Promise<FlagCheck | undefined> {
    let timer: unknown;
    try {
      const bound = new Promise<undefined>((resolve) => {
        timer = setTimeout(resolve, timeout);
      });
      const found = await Promise.race([this.#cache.get(key), bound]);
      this.#cacheFailureLogged = false;
      return found && typeof found === "object" && typeof found.value === "boolean" ? found : undefined;
    } catch (error) {
      this.#cacheFailed(error);
      return undefined;
    } finally {
      clearTimeout(timer as ReturnType<typeof setTimeout>);
    }
  }

  #cacheSet(key: string, check: FlagCheck): void {
    if (this.#ttl <= 0) return;
    if (this.#memory) {
      this.#memory.store(key, check, this.#ttl);
      return;
    }
    const write = Promise.resolve()
      .then(() => this.#cache.set(key, check, this.#ttl))
      .catch((error: unknown) => this.#cacheFailed(error))
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }

  #cacheFailed(error: unknown): void {
    if (this.#cacheFailureLogged) return;
    this.#cacheFailureLogged = true;
    this.#log.warn(
      "flag cache failed; asking the API until it answers again:",
      (error as Error)?.message ?? error,
    );
  }
}
