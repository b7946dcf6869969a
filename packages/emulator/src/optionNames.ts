/**
 * Unknown option names are refused, naming the closest known one (core's
 * checker): a misspelled `failrate` would otherwise be ignored and the
 * emulator would quietly inject no faults.
 */
import { checkOptions } from "@schematic-sdk/core";

/** Throws `SchematicConfigError` when `options` is not a plain object or holds a name not in `known`. */
export function checkOptionNames(
  options: unknown,
  known: readonly string[],
  where: string,
  elsewhere: Record<string, string> = {},
): void {
  checkOptions(where, options, Object.fromEntries(known.map((name) => [name, null])), elsewhere);
}
