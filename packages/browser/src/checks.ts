/**
 * Flag checks as the flags room takes them in: read back from storage or a
 * bootstrap (checked by shape), or from an answer of the API (converted,
 * frozen, unknown flags told once), and compared.
 */
import {
  type FlagCheck,
  fromWireFlagCheck,
  isPlainObject,
  type WireFlagCheck,
  type WireFlagsCheck,
} from "@schematic-sdk/core";

export type Checks = Readonly<Record<string, Readonly<FlagCheck>>>;
/** One request's answers, by flag. */
export type Answers = Record<string, FlagCheck>;
/** The `data` of a flag check answer: one flag's check, or every flag's (and the plan). */
export type WireAnswer = WireFlagCheck & WireFlagsCheck;
/** The boolean view of some checks. */
export type Values = Readonly<Record<string, boolean>>;

/** Nothing shown: always this object, so a burst of context changes allocates nothing. */
export const NONE: Checks = Object.freeze({});

/** The same content in the same field order (answers come from one converter); a `Date` by its time, which `jsonEqual` cannot see. */
export const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks as stored or bootstrapped: each shaped like a check (the reset time
 * revived), anything else left out; a bootstrap's `flags` (values only) fill in the flags left.
 */
export function readChecks(value: unknown, flags: Record<string, boolean> = {}): Record<string, FlagCheck> {
  const out: Record<string, FlagCheck> = {};
  if (isPlainObject(value))
    for (const flag in value) {
      const check = value[flag] as FlagCheck;
      if (!isPlainObject(check) || check.flag !== flag || typeof check.value !== "boolean") continue;
      const reset = check.featureUsageResetAt;
      out[flag] = Object.freeze(
        reset === undefined ? check : { ...check, featureUsageResetAt: new Date(reset) },
      );
    }
  for (const flag in flags)
    out[flag] ??= Object.freeze({ flag, value: flags[flag] === true, reason: "bootstrap" });
  return out;
}

/**
 * A flag check answer's checks by flag, converted and frozen (`flag`: the
 * one flag asked about, else every flag). Each flag the API says it does not
 * know is told once: `missing` holds those told.
 */
export function readAnswer(
  data: WireAnswer,
  flag: string | undefined,
  missing: Set<string>,
  log: (...args: unknown[]) => void,
): Answers {
  const got: Answers = {};
  for (const wire of flag === undefined ? data.flags : [{ ...data, flag }]) {
    const check = Object.freeze(fromWireFlagCheck(wire));
    const key = check.flag;
    got[key] = check;
    if (check.reason === "Flag not found" && !missing.has(key)) {
      missing.add(key);
      log(`flag "${key}" not found: check the key, or create the flag`);
    }
  }
  return got;
}
