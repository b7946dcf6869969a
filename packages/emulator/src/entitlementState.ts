/**
 * Everything plans and entitlements need besides companies: the catalog,
 * metered usage, and the plans and overrides set at run time. The store owns
 * one and hands it the company a question is about.
 */
import type { WireFlagCheck, WirePlan } from "@schematic-sdk/core";
import {
  type Catalog,
  type EntitlementValue,
  ownEntry,
  parseCatalog,
  parseEntitlementValue,
} from "./catalog";
import {
  type EntitlementSubject,
  evaluateFeature,
  planKeyOf,
  type RuntimeAssignments,
  wirePlan,
} from "./entitlements";
import { badRequest } from "./httpError";
import { UsageMeter, type UsageRecord } from "./usage";

/** Plans and overrides set through the admin routes, as a `--data` file holds them. */
export interface AssignmentsSnapshot {
  /** company id → plan key */
  plans: Record<string, string>;
  /** company id → feature key → entitlement */
  overrides: Record<string, Record<string, EntitlementValue>>;
}

const emptyCatalog = (): Catalog => ({ features: {}, plans: {} });

export class EntitlementState implements RuntimeAssignments {
  #catalog: Catalog = emptyCatalog();
  readonly usage = new UsageMeter();
  readonly #plans = new Map<string, string>();
  readonly #overrides = new Map<string, Map<string, EntitlementValue>>();

  get catalog(): Catalog {
    return this.#catalog;
  }

  /** Replaces the catalog (checked first; throws `CatalogError` on a bad one). Usage and run-time settings stay. */
  setCatalog(input: unknown): void {
    this.#catalog = parseCatalog(structuredClone(input));
  }

  isFeature(key: string): boolean {
    return ownEntry(this.#catalog.features, key) !== undefined;
  }

  featureKeys(): string[] {
    return Object.keys(this.#catalog.features);
  }

  plan(companyId: string): string | undefined {
    return this.#plans.get(companyId);
  }

  override(companyId: string, feature: string): EntitlementValue | undefined {
    return this.#overrides.get(companyId)?.get(feature);
  }

  /** Every feature overridden at run time for a company. */
  overridesOf(companyId: string): Record<string, EntitlementValue> {
    return Object.fromEntries(this.#overrides.get(companyId) ?? []);
  }

  /** Puts a company on a plan (`null`: back to what the catalog says); a 400 names an unknown plan. */
  setPlan(companyId: string, plan: unknown): void {
    if (plan === null) {
      this.#plans.delete(companyId);
      return;
    }
    if (typeof plan !== "string" || !ownEntry(this.#catalog.plans, plan)) {
      const known = Object.keys(this.#catalog.plans);
      throw badRequest(
        `plan: must be one of the catalog's plans (${known.join(", ") || "none: start with --catalog"}); got ${JSON.stringify(plan) ?? "nothing"}`,
      );
    }
    this.#plans.set(companyId, plan);
  }

  /** Sets (or, with `null`, clears) a company's override of one feature. */
  setOverride(companyId: string, feature: string, value: unknown): void {
    if (value === null) {
      this.#overrides.get(companyId)?.delete(feature);
      return;
    }
    let checked: EntitlementValue;
    try {
      checked = parseEntitlementValue(this.#catalog, feature, value, "value");
    } catch (error) {
      throw badRequest((error as Error).message.replace(/^Invalid catalog: /, ""));
    }
    let overrides = this.#overrides.get(companyId);
    if (!overrides) {
      overrides = new Map();
      this.#overrides.set(companyId, overrides);
    }
    overrides.set(feature, checked);
  }

  /** One feature's answer for a subject. */
  answer(key: string, subject: EntitlementSubject, now: number): WireFlagCheck {
    return evaluateFeature(key, { catalog: this.#catalog, runtime: this, usage: this.usage, subject, now });
  }

  /** The subject's plan, or null when the catalog places it on none. */
  planOf(subject: EntitlementSubject): WirePlan | null {
    return wirePlan(this.#catalog, planKeyOf(this.#catalog, this, subject));
  }

  toSnapshot(): AssignmentsSnapshot & { usage: UsageRecord[] } {
    const overrides: AssignmentsSnapshot["overrides"] = {};
    for (const [id, map] of this.#overrides) if (map.size > 0) overrides[id] = Object.fromEntries(map);
    return { plans: Object.fromEntries(this.#plans), overrides, usage: this.usage.all() };
  }

  load(snapshot: Partial<AssignmentsSnapshot> & { usage?: UsageRecord[] }): void {
    for (const [id, plan] of Object.entries(snapshot.plans ?? {})) this.#plans.set(id, plan);
    for (const [id, map] of Object.entries(snapshot.overrides ?? {})) {
      this.#overrides.set(id, new Map(Object.entries(map)));
    }
    this.usage.load(snapshot.usage ?? []);
  }

  /** Forgets usage and run-time settings; the catalog stays. */
  clear(): void {
    this.usage.clear();
    this.#plans.clear();
    this.#overrides.clear();
  }
}
