/**
 * API-key rules (core's): secret keys (`sch_…`) belong to servers,
 * publishable keys (`api_…`) to browsers. Routes say which kinds they take;
 * anything else is a 401 whose message says what was expected. Keys are
 * never echoed back.
 */
import { isPublishableKey, isSecretKey, KEY_PREFIXES } from "@schematic-sdk/core";
import { HttpError } from "./httpError";

export type KeyKind = "secret" | "publishable";

/** The kind of a key, or undefined when it is neither (too short, wrong prefix). */
export function keyKind(key: string | null | undefined): KeyKind | undefined {
  if (isSecretKey(key)) return "secret";
  if (isPublishableKey(key)) return "publishable";
  return undefined;
}

const describe = (kinds: readonly KeyKind[]): string =>
  kinds.map((kind) => `a ${kind} key (${KEY_PREFIXES[kind]}…)`).join(" or ");

/** Throws 401 unless `key` is one of the `allowed` kinds; `where` names where the key is expected. */
export function requireKey(key: string | null | undefined, allowed: readonly KeyKind[], where: string): void {
  if (key === null || key === undefined || key === "") {
    throw new HttpError(401, `Missing API key: send ${describe(allowed)} in ${where}`);
  }
  const kind = keyKind(key);
  if (kind === undefined)
    throw new HttpError(401, `Invalid API key in ${where}: expected ${describe(allowed)}`);
  if (!allowed.includes(kind)) {
    throw new HttpError(401, `This route does not take a ${kind} key: send ${describe(allowed)} in ${where}`);
  }
}
