/**
 * Record ids in the API's style (`comp_…`, `user_…`, `ek_…`, `cmem_…`).
 * `crypto.randomUUID` is a global in Node ≥ 19, browsers and workers, so no
 * `node:` import is needed here.
 */
export type IdPrefix = "comp" | "user" | "ek" | "cmem" | "evt";

/** This process's random part of every id, so ids stay unique across restarts with `--data`. */
const RUN = globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 10);
let counter = 0;

/** A new id: 20 characters after the prefix, unique (a random run part and a counter), in creation order. */
export function newId(prefix: IdPrefix): string {
  return idAt(prefix, counter++);
}

/** Reserves `count` ids, to be written later with `idAt` (first, first + 1, …); answers the first. */
export function reserveIds(count: number): number {
  const first = counter;
  counter += count;
  return first;
}

/** The id `newId` would have made as its `n`th. */
export function idAt(prefix: IdPrefix, n: number): string {
  return `${prefix}_${RUN}${n.toString(16).padStart(10, "0")}`;
}

/** A short, stable, non-cryptographic hash (FNV-1a, 32 bit) as hex, for ids derived from names. */
export function stableHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}
