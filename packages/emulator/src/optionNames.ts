/**
 * Unknown option names are refused, naming the closest known one: a
 * misspelled `failrate` would otherwise be ignored and the emulator would
 * quietly inject no faults.
 */
import { SchematicConfigError } from "@schematic-sdk/core";

/** Edit distance between two short strings (case-insensitive), for "did you mean". */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[y.length]!;
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * Throws `SchematicConfigError` when `options` is not a plain object or holds
 * a name not in `known`.
 */
export function checkOptionNames(
  options: unknown,
  known: readonly string[],
  where: string,
  elsewhere: Record<string, string> = {},
): void {
  if (options === undefined) return;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new SchematicConfigError(`${where}: options must be an object, like { port: 0 }`);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    if (Object.hasOwn(elsewhere, name))
      throw new SchematicConfigError(`${where}: "${name}" ${elsewhere[name]}`);
    const close = closestName(name, known);
    throw new SchematicConfigError(
      `${where}: unknown option "${name}"${close ? ` — did you mean "${close}"?` : ""} Known options: ${known.join(", ")}.`,
    );
  }
}
