/**
 * The cache key of a flag check without building it again. Per flag and per
 * value of the context's first key (the company's, else the user's), the
 * last context asked for is kept as its key names and values, in the order
 * the caller's objects hold them, with the key made for it. A check of the
 * same flag for a context holding the same names and values (the same object
 * or another, mutated or not: it is compared, never trusted by identity)
 * reuses that key: two map lookups by strings the caller already has and a
 * few comparisons, where building a key string and hashing it costs several
 * times more. Anything else builds the key.
 */
import { flagCacheKey } from "./flagKey";

/** Contexts remembered at most: past it all are forgotten at once and remembered again as asked. */
const MAX_REMEMBERED = 10_000;

interface Recent {
  flag: string;
  key: string;
  /** Key names and values in the caller's order (`[name, value, name, value, …]`); null: no company. */
  company: string[] | null;
  user: string[] | null;
}

export class RecentKeys {
  /** flag → first key value → the last context with that value. */
  readonly #byFlag = new Map<string, Map<unknown, Recent>>();
  #size = 0;
  /** The context asked last, whatever its flag: most callers ask one context many times in a row. */
  #last: Recent | undefined;

  /** The key of `flag` for `context` (as `flagCacheKey`), or undefined when the input is not plainly well-formed. */
  key(flag: unknown, context: unknown): string | undefined {
    if (typeof flag !== "string" || typeof context !== "object" || context === null) return undefined;
    try {
      const { company, user } = context as { company?: unknown; user?: unknown };
      const last = this.#last;
      if (
        last !== undefined &&
        last.flag === flag &&
        holds(company, last.company) &&
        holds(user, last.user)
      ) {
        return last.key;
      }
      const first = firstValue(company) ?? firstValue(user);
      let recents = this.#byFlag.get(flag);
      const recent = recents?.get(first);
      if (recent !== undefined && holds(company, recent.company) && holds(user, recent.user)) {
        this.#last = recent;
        return recent.key;
      }
      const key = flagCacheKey(flag, context);
      if (key === undefined) return undefined;
      if (recent === undefined && ++this.#size > MAX_REMEMBERED) {
        this.#byFlag.clear();
        this.#size = 1;
        recents = undefined;
      }
      if (recents === undefined) {
        recents = new Map();
        this.#byFlag.set(flag, recents);
      }
      const made = { flag, key, company: pairs(company), user: pairs(user) };
      recents.set(first, made);
      this.#last = made;
      return key;
    } catch {
      // A getter or proxy that throws: validation will say what is wrong.
      return undefined;
    }
  }
}

/** The value of the first key of `keys`, if it is an object with one. */
function firstValue(keys: unknown): unknown {
  if (typeof keys !== "object" || keys === null) return undefined;
  for (const name in keys) return (keys as Record<string, unknown>)[name];
  return undefined;
}

/** Whether `keys` holds exactly the names and values of `pairs`, in that order. */
function holds(keys: unknown, pairs: string[] | null): boolean {
  if (keys == null || pairs === null) return keys == null && pairs === null;
  if (typeof keys !== "object") return false;
  // A plain object is known by its inherited `constructor` and its prototype; reading `constructor`
  // first lets V8 answer both from the object's shape (measured: a cached check about 40% cheaper).
  // Anything else (no `Object` constructor, another prototype) takes the full check.
  if (
    (keys as { constructor?: unknown }).constructor !== Object ||
    Object.getPrototypeOf(keys) !== Object.prototype
  ) {
    const proto = Object.getPrototypeOf(keys);
    if (proto !== Object.prototype && proto !== null) return false;
  }
  let i = 0;
  for (const name in keys) {
    if (pairs[i] !== name || pairs[i + 1] !== (keys as Record<string, unknown>)[name]) return false;
    i += 2;
  }
  return i === pairs.length;
}

/** The names and values of well-formed `keys` (its key was just built), in their order. */
function pairs(keys: unknown): string[] | null {
  if (keys == null) return null;
  const out: string[] = [];
  for (const name in keys as Record<string, string>) out.push(name, (keys as Record<string, string>)[name]!);
  return out;
}
