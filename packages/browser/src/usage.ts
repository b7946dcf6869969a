/**
 * This client's own usage that the answers shown may not count yet: a queued
 * `track` of the current company adds its quantity to every check metered by
 * its event (and turns the value off at a numeric allocation). It is counted
 * from the queue itself, which is persisted, so a reload neither loses nor
 * double-counts it; once delivered it is owed until an answer counts it.
 *
 * Which of this client's tracks an answer counts is read from how far the
 * usage grew since the previous answer: the growth goes to what is owed, then
 * to tracks already sent, oldest first (the server counts them in that
 * order). So a push that counted a track whose delivery is still on its way,
 * or one that lags behind the next track, shows each track once. Another
 * client's usage arriving at the same time is shown a moment late, never twice.
 */
import { type FlagCheck, type Keys, validatedJson, type WireTrackBody } from "@schematic-sdk/core";
import type { Entry } from "./entries";

/** `check` with `quantity` more usage; at a numeric allocation it turns off. */
export function addUsage(check: Readonly<FlagCheck>, quantity: number): Readonly<FlagCheck> {
  const used = (check.featureUsage ?? 0) + quantity;
  const out = { ...check, featureUsage: used };
  if (check.featureAllocation !== undefined && used >= check.featureAllocation) {
    out.value = false;
    out.featureUsageExceeded = true;
  }
  return Object.freeze(out);
}

/** This client's queued usage by event: all of it, and what is on its way. */
export type Queued = Readonly<Record<string, readonly [queued: number, sent: number]>>;

export class Usage {
  /** By flag: this client's delivered usage no answer has counted yet. */
  #owed: Record<string, number> = {};
  /** By flag: usage of this client's tracks still on their way that the answer already counts. */
  #counted: Record<string, number> = {};
  /** The queue, oldest first. */
  readonly #queued: () => readonly Entry[];
  /** The current context's company. */
  readonly #company: () => Keys | undefined;

  constructor(params: { queued: () => readonly Entry[]; company: () => Keys | undefined }) {
    this.#queued = params.queued;
    this.#company = params.company;
  }

  /** A new context: nothing of the old one's is owed. */
  reset(): void {
    this.#owed = {};
    this.#counted = {};
  }

  /** The answer shown for `flag` with what this client owes it (what is stored for the next page). */
  owed(flag: string, check: Readonly<FlagCheck>): Readonly<FlagCheck> {
    const owed = this.#owed[flag];
    return owed ? addUsage(check, owed) : check;
  }

  /** `check` as shown: with this client's usage it does not count yet (`queued` from `queued()`). */
  shown(flag: string, check: Readonly<FlagCheck>, queued: Queued): Readonly<FlagCheck> {
    const [all, sent] = queued[check.featureUsageEvent!] ?? [0, 0];
    const quantity = (this.#owed[flag] ?? 0) + all - Math.min(this.#counted[flag] ?? 0, sent);
    return quantity ? addUsage(check, quantity) : check;
  }

  /**
   * Adds this client's usage to each check of `shown` metered by an event,
   * in place. One whose usage and value are as in `before` (the view shown
   * until now) stays that object, so a component reading it does not re-render.
   * @returns whether any check is metered (then the queue's changes may change what is shown).
   */
  add(
    shown: Record<string, Readonly<FlagCheck>>,
    before: Readonly<Record<string, Readonly<FlagCheck>>>,
  ): boolean {
    let metered = false;
    for (const flag in shown) if (shown[flag]!.featureUsageEvent) metered = true;
    if (metered) {
      const queued = this.queued();
      for (const flag in shown) {
        const check = shown[flag]!;
        if (!check.featureUsageEvent) continue;
        const next = this.shown(flag, check, queued);
        if (next === check) continue;
        const was = before[flag];
        shown[flag] = was && was.featureUsage === next.featureUsage && was.value === next.value ? was : next;
      }
    }
    return metered;
  }

  /**
   * A new answer for `flag` with usage grown from `was`: the growth counts
   * what is owed first, then tracks sent and not answered yet. With nothing
   * to compare (a first answer, a new period, no usage), what was delivered
   * is taken as counted, what is on its way as not.
   */
  answered(flag: string, was: number | undefined, check: FlagCheck, queued: Queued): void {
    const now = check.featureUsage;
    if (was === undefined || now === undefined || now < was) {
      this.#owed[flag] = this.#counted[flag] = 0;
      return;
    }
    const owed = this.#owed[flag] ?? 0;
    const grown = (this.#counted[flag] ?? 0) + now - was;
    const taken = Math.min(owed, grown);
    this.#owed[flag] = owed - taken;
    this.#counted[flag] = Math.min(grown - taken, queued[check.featureUsageEvent!]?.[1] ?? 0);
  }

  /** The queue delivered a track: owed to each answer metered by its event, unless the answer counts it already. */
  delivered(body: WireTrackBody, answers: Readonly<Record<string, Readonly<FlagCheck>>>): void {
    if (!this.#ours()(body)) return;
    for (const flag in answers) {
      if (answers[flag]!.featureUsageEvent !== body.event) continue;
      const counted = this.#counted[flag] ?? 0;
      const taken = Math.min(counted, body.quantity);
      this.#counted[flag] = counted - taken;
      this.#owed[flag] = (this.#owed[flag] ?? 0) + body.quantity - taken;
    }
  }

  /**
   * Whether a track is of the current company: by identity first (most take
   * the context's own map), else by content, the company's JSON made once.
   */
  #ours(): (body: WireTrackBody) => boolean {
    const company = this.#company();
    let json: string | undefined;
    return (body) => {
      if (!company || !body.company) return false;
      if (body.company === company) return true;
      json ??= validatedJson(company);
      return validatedJson(body.company) === json;
    };
  }

  /** This client's queued usage by event, in one pass over the queue. */
  queued(): Queued {
    const out: Record<string, [number, number]> = {};
    const ours = this.#ours();
    for (const entry of this.#queued()) {
      const body = entry.event.body as WireTrackBody;
      if (entry.event.type !== "track" || !ours(body)) continue;
      out[body.event] ??= [0, 0];
      const sums = out[body.event]!;
      sums[0] += body.quantity;
      if (entry.sent !== undefined) sums[1] += body.quantity;
    }
    return out;
  }
}
