/**
 * `JSON.stringify(value)` written as UTF-8 straight into a byte array, for
 * the event buffer: an event's body goes from the validated object to the
 * store's bytes in one pass, with no string made and none to encode. The
 * bytes are exactly those of `JSON.stringify` then UTF-8 (escapes, key
 * order, `undefined` members left out, lone surrogates as `\udxxx`). Values
 * it does not write itself (a `toJSON`, a class instance, a non-finite
 * number, a BigInt, nesting past `MAX_DEPTH`) answer -1, as does a value
 * that does not fit before `limit`: the caller then uses `JSON.stringify`,
 * which also gives any error it throws.
 */

/** Deeper than any validated value; a cycle stops here instead of overflowing the stack. */
const MAX_DEPTH = 32;
const HEX = "0123456789abcdef";
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** Writes `JSON.stringify(value)` as UTF-8 at `at`, never at or past `limit`; answers the end, or -1 (see the module comment). */
export function writeJson(value: unknown, target: Uint8Array, at: number, limit: number): number {
  return writeValue(value, target, at, limit, 0);
}

function writeValue(value: unknown, target: Uint8Array, at: number, limit: number, depth: number): number {
  switch (typeof value) {
    case "string":
      return writeString(value, target, at, limit);
    case "number":
      if (value >= 0 && value < 10 && (value | 0) === value) {
        if (at >= limit) return -1;
        target[at] = 0x30 + value;
        return at + 1;
      }
      return Number.isFinite(value) ? writeAscii(String(value), target, at, limit) : -1;
    case "boolean":
      return writeAscii(value ? "true" : "false", target, at, limit);
    case "object":
      if (value === null) return writeAscii("null", target, at, limit);
      if (depth >= MAX_DEPTH || typeof (value as { toJSON?: unknown }).toJSON === "function") return -1;
      return Array.isArray(value)
        ? writeArray(value, target, at, limit, depth + 1)
        : writeObject(value as Record<string, unknown>, target, at, limit, depth + 1);
    default:
      return -1;
  }
}

function writeArray(value: unknown[], target: Uint8Array, at: number, limit: number, depth: number): number {
  if (at >= limit) return -1;
  target[at++] = 0x5b;
  for (let i = 0; i < value.length; i++) {
    if (i > 0) {
      if (at >= limit) return -1;
      target[at++] = COMMA;
    }
    const item = value[i];
    // JSON.stringify writes null for what it cannot write in an array.
    at =
      item === undefined || typeof item === "function" || typeof item === "symbol"
        ? writeAscii("null", target, at, limit)
        : writeValue(item, target, at, limit, depth);
    if (at < 0) return -1;
  }
  if (at >= limit) return -1;
  target[at] = 0x5d;
  return at + 1;
}

function writeObject(
  value: Record<string, unknown>,
  target: Uint8Array,
  at: number,
  limit: number,
  depth: number,
): number {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return -1;
  if (at >= limit) return -1;
  target[at++] = 0x7b;
  let first = true;
  // for-in visits own enumerable string keys in the order JSON.stringify does; inherited ones are skipped.
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const item = value[name];
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    if (!first) {
      if (at >= limit) return -1;
      target[at++] = COMMA;
    }
    first = false;
    at = writeString(name, target, at, limit);
    if (at < 0 || at >= limit) return -1;
    target[at++] = 0x3a;
    at = writeValue(item, target, at, limit, depth);
    if (at < 0) return -1;
  }
  if (at >= limit) return -1;
  target[at] = 0x7d;
  return at + 1;
}

function writeAscii(text: string, target: Uint8Array, at: number, limit: number): number {
  if (at + text.length > limit) return -1;
  for (let i = 0; i < text.length; i++) target[at++] = text.charCodeAt(i);
  return at;
}

/** A JSON string: at most 6 bytes per UTF-16 unit (`\u001f`), checked against `limit` once. */
export function writeString(text: string, target: Uint8Array, at: number, limit: number): number {
  const length = text.length;
  if (at + length * 6 + 2 > limit) return -1;
  target[at++] = QUOTE;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) target[at++] = c;
      else at = writeEscape(c, target, at);
    } else if (c < 0x800) {
      target[at++] = 0xc0 | (c >> 6);
      target[at++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      target[at++] = 0xe0 | (c >> 12);
      target[at++] = 0x80 | ((c >> 6) & 0x3f);
      target[at++] = 0x80 | (c & 0x3f);
    } else {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        target[at++] = 0xf0 | (point >> 18);
        target[at++] = 0x80 | ((point >> 12) & 0x3f);
        target[at++] = 0x80 | ((point >> 6) & 0x3f);
        target[at++] = 0x80 | (point & 0x3f);
        i++;
      } else at = writeUnicodeEscape(c, target, at); // a lone surrogate
    }
  }
  target[at++] = QUOTE;
  return at;
}

/** `"`, `\` and the control characters, as JSON.stringify escapes them. */
function writeEscape(c: number, target: Uint8Array, at: number): number {
  const short =
    c === QUOTE || c === BACKSLASH
      ? c
      : c === 0x08
        ? 0x62
        : c === 0x0c
          ? 0x66
          : c === 0x0a
            ? 0x6e
            : c === 0x0d
              ? 0x72
              : c === 0x09
                ? 0x74
                : 0;
  if (short === 0) return writeUnicodeEscape(c, target, at);
  target[at] = BACKSLASH;
  target[at + 1] = short;
  return at + 2;
}

function writeUnicodeEscape(c: number, target: Uint8Array, at: number): number {
  target[at] = BACKSLASH;
  target[at + 1] = 0x75; // u
  target[at + 2] = HEX.charCodeAt((c >> 12) & 15);
  target[at + 3] = HEX.charCodeAt((c >> 8) & 15);
  target[at + 4] = HEX.charCodeAt((c >> 4) & 15);
  target[at + 5] = HEX.charCodeAt(c & 15);
  return at + 6;
}
