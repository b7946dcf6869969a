/**
 * Company memberships, indexed both ways: a user's memberships (for the
 * user record) and a company's user count (for the company record).
 */
import { newId } from "./ids";
import type { MembershipRecord } from "./records";

export class Memberships {
  /** user id → company id → membership */
  readonly #byUser = new Map<string, Map<string, MembershipRecord>>();
  /** company id → user ids */
  readonly #companyUsers = new Map<string, Set<string>>();

  /** Makes the user a member of the company, unless they already are. */
  link(userId: string, companyId: string, now: string): void {
    if (this.#byUser.get(userId)?.has(companyId)) return;
    this.add({ id: newId("cmem"), company_id: companyId, user_id: userId, created_at: now, updated_at: now });
  }

  /** Adds a stored membership as it is (loading a snapshot). */
  add(m: MembershipRecord): void {
    const byCompany = this.#byUser.get(m.user_id) ?? new Map<string, MembershipRecord>();
    this.#byUser.set(m.user_id, byCompany.set(m.company_id, m));
    const users = this.#companyUsers.get(m.company_id) ?? new Set<string>();
    this.#companyUsers.set(m.company_id, users.add(m.user_id));
  }

  ofUser(userId: string): Iterable<MembershipRecord> {
    return this.#byUser.get(userId)?.values() ?? [];
  }

  /** Ids of the company's users, in the order they joined. */
  usersOf(companyId: string): string[] {
    return Array.from(this.#companyUsers.get(companyId) ?? []);
  }

  userCount(companyId: string): number {
    return this.#companyUsers.get(companyId)?.size ?? 0;
  }

  all(): MembershipRecord[] {
    const out: MembershipRecord[] = [];
    for (const byCompany of this.#byUser.values()) out.push(...byCompany.values());
    return out;
  }

  clear(): void {
    this.#byUser.clear();
    this.#companyUsers.clear();
  }
}
