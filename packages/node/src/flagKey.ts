/**
 * The cache key of a flag for a context: the same for the same content
 * whatever the order of the keys in the caller's objects, and different for
 * any different content (every string is written with its length, so no
 * value can imitate a separator). It is computed from the caller's input
 * without validating it: a context that would not validate was never
 * answered, so its key is in no cache, and the miss goes through validation.
 *
 * @example `4:beta|company2:id4:acme|user2:id3:u_1`
 */
import type { Context } from "@schematic-sdk/core";

/** The key of `flag` for `context`, or undefined when the input is not plainly well-formed (the caller then validates it). */
export function flagCacheKey(flag: unknown, context: unknown): string | undefined {
  if (typeof flag !== "string" || typeof context !== "object" || context === null) return undefined;
  try {
    const { company, user } = context as Context;
    let key = `${flag.length}:${flag}`;
    if (company != null) {
      const part = keysPart(company);
      if (part === undefined) return undefined;
      key += `|company${part}`;
    }
    if (user != null) {
      const part = keysPart(user);
      if (part === undefined) return undefined;
      key += `|user${part}`;
    }
    return key;
  } catch {
    // A getter or proxy that throws: validation will say what is wrong.
    return undefined;
  }
}

function keysPart(keys: object): string | undefined {
  const proto = Object.getPrototypeOf(keys);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let part = "";
  let previous: string | undefined;
  for (const name in keys) {
    // Out of order (rare: most contexts have one key): write the sorted form instead.
    if (previous !== undefined && name < previous) return sortedPart(keys as Record<string, unknown>);
    const value = (keys as Record<string, unknown>)[name];
    if (typeof value !== "string") return undefined;
    part += `${name.length}:${name}${value.length}:${value}`;
    previous = name;
  }
  return part;
}

function sortedPart(keys: Record<string, unknown>): string | undefined {
  let part = "";
  for (const name of Object.keys(keys).sort()) {
    const value = keys[name];
    if (typeof value !== "string") return undefined;
    part += `${name.length}:${name}${value.length}:${value}`;
  }
  return part;
}
