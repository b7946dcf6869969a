/**
 * Options, once for every package: the merge over frozen defaults, and the
 * checker that refuses an unknown name (naming the closest known one, so a
 * misspelled `apiURL` never sends the key elsewhere) and a value of the wrong
 * kind (naming the option, the value as given and what to pass).
 */
import { SchematicConfigError } from "./errors";
import { describe, isPlainObject } from "./fields";

/**
 * `defaults` overlaid with every option the caller set (an option given as
 * `undefined` keeps its default, as under `exactOptionalPropertyTypes`).
 *
 * @example
 * const resolved = withDefaults(DEFAULTS, options);
 */
export function withDefaults<D extends object, O extends object>(defaults: D, options: O): D & O {
  const out = { ...defaults } as D & O;
  for (const name in options) if (options[name] !== undefined) (out as O)[name] = options[name];
  return out;
}

/** What an option takes: `undefined` when `value` fits, else what to pass ("a function"). `null`: anything. */
export type OptionRule = ((value: unknown) => string | undefined) | null;

const rule =
  (test: (value: unknown) => unknown, what: string): NonNullable<OptionRule> =>
  (value) =>
    test(value) ? undefined : what;

/** The kinds of option every package has. */
export const optionRules = {
  /** An absolute http(s) URL (a bare host would resolve against the page). */
  url: rule((v) => {
    // `new URL`, not `URL.canParse`: browsers before 2023 (Safari 16, Chrome 119) lack the latter.
    try {
      return typeof v === "string" && /^https?:\/\/[^/]/i.test(v) && new URL(v);
    } catch {
      return false;
    }
  }, 'an http(s) URL with its scheme, like "https://api.example.com"'),
  switch: rule((v) => typeof v === "boolean", "true or false"),
  function: rule((v) => typeof v === "function", "a function"),
  object: rule(isPlainObject, "an object"),
  /** A number of milliseconds, at least `min`. */
  ms: (min: number) =>
    rule((v) => typeof v === "number" && v >= min && v < Infinity, `a number of milliseconds ≥ ${min}`),
  /** A whole number, at least `min`. */
  count: (min: number) => rule((v) => Number.isInteger(v) && (v as number) >= min, `a whole number ≥ ${min}`),
  /** One of `values`. */
  oneOf: (...values: string[]) =>
    rule((v) => values.includes(v as string), values.map((x) => JSON.stringify(x)).join(" or ")),
  /** An object with these methods. */
  methods: (...names: string[]) =>
    rule(
      (v) =>
        typeof v === "object" &&
        names.every((n) => typeof (v as Record<string, unknown>)?.[n] === "function"),
      `an object with ${names.join(", ")} methods`,
    ),
};

/** A value as a message shows it: strings quoted (so "1000" does not look like 1000), others as validation describes them, without their type's name (`42`, `true`, `a Map`). */
export function describeValue(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : describe(value).replace(/^[bn]\w+ /, "");
}

/** Edit distance between two short strings (case-insensitive). */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = [...Array(y.length + 1).keys()];
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + +(x[i - 1] !== y[j - 1]),
      );
    previous = current;
  }
  return previous[y.length]!;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let least = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < least) {
      best = candidate;
      least = d;
    }
  }
  return best;
}

/**
 * Checks options as given (`undefined` is always fine: the default applies).
 *
 * @param where how the message starts: the class or function the options went to
 * @param rules every known name with what it takes
 * @param elsewhere names that belong somewhere else, with what to say instead
 * @throws SchematicConfigError naming the option and what to pass
 * @example
 * checkOptions("Schematic", options, { apiUrl: optionRules.url, debug: optionRules.switch });
 */
export function checkOptions(
  where: string,
  options: unknown,
  rules: Record<string, OptionRule>,
  elsewhere: Record<string, string> = {},
): void {
  if (options === undefined) return;
  const fail = (message: string): never => {
    throw new SchematicConfigError(`${where}: ${message}`);
  };
  if (!isPlainObject(options)) fail(`pass the options as an object; got ${describeValue(options)}`);
  for (const name in options as object) {
    const value = (options as Record<string, unknown>)[name];
    if (!Object.hasOwn(rules, name)) {
      if (Object.hasOwn(elsewhere, name)) fail(`"${name}" ${elsewhere[name]}`);
      const known = Object.keys(rules);
      const close = closestName(name, known);
      fail(
        `unknown option "${name}"${close ? ` — did you mean "${close}"?` : ""} Known options: ${known.join(", ")}.`,
      );
    }
    const what = value === undefined ? undefined : rules[name]?.(value);
    if (what) fail(`${name} must be ${what}; got ${describeValue(value)}`);
  }
}
