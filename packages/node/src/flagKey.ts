/**
 * The cache key of a flag for a context: the same for the same content
 * whatever the order of the keys in the caller's objects, and different for
 * any different content. Validation caps every flag key, key name and value
 * at 255 characters, so each string is written after one character holding
 * its length (and each map after one holding its size): no value can
 * imitate a separator, and building it converts no numbers. It is computed
 * from the caller's input without validating it: a context that would not
 * validate was never answered, so its key is in no cache, and the miss goes
 * through validation.
 */
import { LIMITS } from "@schematic-sdk/core";

const MAX = Math.min(LIMITS.maxStringLength, 0xffff);
const COMPANY = "\u0001";
const USER = "\u0002";
const { fromCharCode } = String;

/** The key of `flag` for `context`, or undefined when the input is not plainly well-formed (the caller then validates it). */
export function flagCacheKey(flag: unknown, context: unknown): string | undefined {
  if (typeof flag !== "string" || flag.length > MAX || typeof context !== "object" || context === null) {
    return undefined;
  }
  try {
    const { company, user } = context as { company?: unknown; user?: unknown };
    let key = fromCharCode(flag.length) + flag;
    if (company != null) {
      const part = keysPart(company);
      if (part === undefined) return undefined;
      key += COMPANY + part;
    }
    if (user != null) {
      const part = keysPart(user);
      if (part === undefined) return undefined;
      key += USER + part;
    }
    return key;
  } catch {
    // A getter or proxy that throws: validation will say what is wrong.
    return undefined;
  }
}

function keysPart(keys: unknown): string | undefined {
  if (typeof keys !== "object") return undefined;
  const proto = Object.getPrototypeOf(keys);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let part = "";
  let count = 0;
  let previous = "";
  for (const name in keys) {
    // Out of order (rare: most contexts have one key): write the sorted form instead.
    if (count > 0 && name < previous) return sortedPart(keys as Record<string, unknown>);
    const value = (keys as Record<string, unknown>)[name];
    if (typeof value !== "string" || name.length > MAX || value.length > MAX) return undefined;
    part += fromCharCode(name.length) + name + fromCharCode(value.length) + value;
    previous = name;
    count++;
  }
  return count > LIMITS.maxKeys ? undefined : fromCharCode(count) + part;
}

function sortedPart(keys: Record<string, unknown>): string | undefined {
  const names = Object.keys(keys).sort();
  if (names.length > LIMITS.maxKeys) return undefined;
  let part = fromCharCode(names.length);
  for (const name of names) {
    const value = keys[name];
    if (typeof value !== "string" || name.length > MAX || value.length > MAX) return undefined;
    part += fromCharCode(name.length) + name + fromCharCode(value.length) + value;
  }
  return part;
}
