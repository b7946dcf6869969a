/**
 * Who a flag check is about: the keys it names and, when stored, the company
 * and user they belong to, in the shapes the flags file and the catalog
 * evaluate.
 */
import type { Keys } from "@schematic-sdk/core";
import type { EntityTable } from "./entities";
import type { EntitlementSubject } from "./entitlements";
import type { FlagSubject } from "./flags";
import type { FlagContextInput } from "./validate";

export function subjectsOf(
  context: FlagContextInput,
  companies: EntityTable,
  users: EntityTable,
): { flags: FlagSubject; entitlement: EntitlementSubject } {
  const flags: FlagSubject = {};
  const entitlement: EntitlementSubject = { userId: null };
  if (context.company && Object.keys(context.company).length > 0) {
    flags.companyKeys = entitlement.companyKeys = context.company;
    const company = companies.find(context.company);
    if (company) {
      flags.company = { id: company.id, traits: company.traits };
      const keys: Keys = {};
      for (const [name, pair] of company.keys) keys[name] = pair.value;
      entitlement.company = { id: company.id, keys, traits: company.traits };
    }
  }
  if (context.user) {
    flags.userKeys = context.user;
    const user = users.find(context.user);
    if (user) {
      flags.user = { id: user.id, traits: user.traits };
      entitlement.userId = user.id;
    }
  }
  return { flags, entitlement };
}
