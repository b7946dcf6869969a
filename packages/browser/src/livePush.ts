/**
 * Merging a live push into what the client knows. A push is applied per flag
 * (a flag it leaves out keeps its value), and a check that did not really
 * change keeps its object, so a subscriber can tell "same" by identity.
 */
import { type FlagCheck, fromWireFlagCheck, fromWirePlan, jsonEqual, type Plan } from "@schematic-sdk/core";
import type { LivePush } from "./live";

type Checks = Readonly<Record<string, FlagCheck>>;

/** Dates become their ISO strings, as on the wire. */
const plain = (value: object | undefined): unknown => value && JSON.parse(JSON.stringify(value));

/** Same fields with the same values, whatever their order; a `Date` compared by its time. */
const sameFields = (a: object | undefined, b: object | undefined): boolean => jsonEqual(plain(a), plain(b));

/**
 * Applies `push` to `checks` and `plan`. `changed` is false, and `checks` the
 * very same object, when nothing a user could see changed. `adjust` turns the
 * server's check into the one shown (say, plus usage tracked here and not yet
 * delivered) before it is compared.
 *
 * @example
 * ```ts
 * const next = mergeLivePush({ checks: snapshot.checks, plan: snapshot.plan, push });
 * if (next.changed) setState({ checks: next.checks, plan: next.plan });
 * ```
 */
export function mergeLivePush(params: {
  checks: Checks;
  plan: Plan | undefined;
  push: LivePush;
  adjust?: ((check: FlagCheck) => FlagCheck) | undefined;
}): {
  checks: Checks;
  plan: Plan | undefined;
  changed: boolean;
} {
  let { checks, plan } = params;
  const { push } = params;
  let changed = false;
  for (const wire of push.flags) {
    if (typeof wire?.flag !== "string") continue;
    const check = (params.adjust ?? ((c: FlagCheck) => c))(fromWireFlagCheck(wire));
    if (sameFields(checks[check.flag], check)) continue;
    if (!changed) checks = { ...checks };
    (checks as Record<string, FlagCheck>)[check.flag] = check;
    changed = true;
  }
  if (push.plan !== undefined) {
    const next = typeof push.plan === "object" && push.plan ? fromWirePlan(push.plan) : undefined;
    if (!sameFields(plan, next)) {
      plan = next;
      changed = true;
    }
  }
  return { checks, plan, changed };
}
