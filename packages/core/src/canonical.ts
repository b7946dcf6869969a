/**
 * A JSON string that does not depend on object key order (`{a, b}` and
 * `{b, a}` give the same string), for values that did not come from
 * validation: tests compare arbitrary inputs with it. A validated value's
 * content key is `validatedJson` (its maps are already sorted).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  let out: string;
  if (Array.isArray(value)) {
    out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length > 1) keys.sort();
  out = "{";
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${canonicalJson(item)}`;
  }
  return `${out}}`;
}

/**
 * Whether two JSON-like values (plain objects, arrays, strings, numbers,
 * booleans, null) have the same content, whatever their object key order.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || !a || !b || Array.isArray(a) !== Array.isArray(b))
    return false;
  // for…in rather than Object.keys: this runs on every identify, and it allocates nothing.
  let n = 0;
  for (const key in a) {
    if (!Object.hasOwn(b, key) || !jsonEqual((a as never)[key], (b as never)[key])) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}
