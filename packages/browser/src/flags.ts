/**
 * Flag checks for the current context: the API's answers (or the
 * bootstrap's, or a previous page's), joined when identical requests are in
 * flight, kept fresh, and shown with this client's own tracked usage that
 * the API has not counted yet (`usage.ts`; how answers are read: `checks.ts`).
 *
 * Freshness: answers had while the context's identify is on its way (the
 * identify may create the company or change the traits rules read) are
 * asked again once it is delivered; on a context change the values shown
 * stay until the new context's answers arrive; while mounted, answers are
 * asked again every `flagCacheTtl`.
 */
import {
  type Context,
  type FlagCheck,
  fromWirePlan,
  type HttpClient,
  isPlainObject,
  monotonicNow,
  type Plan,
  type Timers,
  type WireFlagsCheck,
  type WireTrackBody,
} from "@schematic-sdk/core";
import {
  type Answers,
  type Checks,
  NONE,
  readAnswer,
  readChecks,
  same,
  type Values,
  type WireAnswer,
} from "./checks";
import type { Entry } from "./entries";
import { Freshness } from "./freshness";
import type { LiveConnection } from "./live";
import type { Saved, Session } from "./session";
import { Usage } from "./usage";

export interface FlagsConfig {
  api: HttpClient;
  session: Session;
  timers: Timers;
  ttl: number;
  /** The queue, oldest first: undelivered usage is counted from it. */
  queued: () => readonly Entry[];
  /** Something shown changed. */
  changed: () => void;
  log: (...args: unknown[]) => void;
  /** Told of each single-flag answer (the `trackFlagChecks` option). */
  answered?: ((flag: string, value: boolean, context: Context) => void) | undefined;
}

export class Flags {
  ready = false;
  /** The live socket, once `live` is on and the client was mounted: while it answers, no flag request is sent. */
  live: LiveConnection | undefined;
  plan: Readonly<Plan> | undefined;
  readonly #config: FlagsConfig;
  /** The answers for the current context. */
  #answers: Record<string, Readonly<FlagCheck>> = {};
  /** What the previous context showed: kept on screen until this one's answers arrive. */
  #previous: Checks = NONE;
  readonly #freshness: Freshness;
  readonly #usage: Usage;
  readonly #asks = new Map<string, Promise<Answers | undefined>>();
  /** Flags the API said it does not know, told once each. */
  readonly #missing = new Set<string>();
  #view: Checks = NONE;
  #values: Values = NONE as never;
  #dirty = true;
  /** Some check shown is metered by an event: the queue's changes may change it. */
  #metered = false;
  /** The current context's identify is on its way: answers had now may not know it. */
  #identifying = false;
  /** Ask again once it has arrived. */
  #again = false;
  /** Bumped when answers in flight become outdated. */
  #epoch = 0;
  /** The body of the last identify queued for the context: its settling ends `#identifying`. */
  #identify: unknown;

  constructor(config: FlagsConfig) {
    this.#config = config;
    this.#usage = new Usage({ queued: config.queued, company: () => config.session.context.company });
    this.#freshness = new Freshness({ timers: config.timers, ttl: config.ttl, ask: () => void this.ask() });
  }

  /** Takes bootstrapped (`fresh`) or stored answers. */
  load(
    params: Pick<Saved, "checks" | "plan"> & { flags?: Record<string, boolean> | undefined; fresh?: boolean },
  ) {
    const answers = readChecks(params.checks, params.flags);
    this.#answers = answers;
    this.plan = isPlainObject(params.plan) ? Object.freeze(params.plan as Plan) : undefined;
    this.ready = params.flags !== undefined;
    for (const flag in answers) {
      this.ready = true;
      if (params.fresh) this.#freshness.answered(flag);
    }
    this.#dirty = true;
  }

  /** What is stored for the next page: the answers with the usage this client delivered and they do not count yet; never its queued usage (the queue holds that). */
  saved(): Pick<Saved, "checks" | "plan"> {
    const checks: Record<string, Readonly<FlagCheck>> = {};
    let any = false;
    for (const flag in this.#answers) {
      checks[flag] = this.#usage.owed(flag, this.#answers[flag]!);
      any = true;
    }
    return { checks: any ? checks : undefined, plan: this.plan };
  }

  /** Every check shown, with undelivered usage added. */
  get checks(): Checks {
    if (this.#dirty) this.#build();
    return this.#view;
  }

  /** The boolean view of `checks`. */
  get values(): Values {
    if (this.#dirty) this.#build();
    return this.#values;
  }

  /** The check shown for `flag` if it is an answer for the current context (not a previous context's). */
  known(flag: string): Readonly<FlagCheck> | undefined {
    return this.#answers[flag] && this.checks[flag];
  }

  /** Answered within `flagCacheTtl`. */
  isFresh(flag: string): boolean {
    return this.#freshness.isFresh(flag);
  }

  /** The context changed: its answers are not these; they stay shown until the new ones arrive. */
  contextChanged(): void {
    this.live?.setContext({ context: this.#config.session.context });
    this.#identifying = false;
    this.#again = false;
    this.#epoch++;
    // Nothing shown (a burst of identifies): nothing to keep, nothing to allocate.
    if (this.checks === NONE) return;
    this.#previous = this.#view;
    this.#answers = {};
    this.#freshness.clear();
    this.#usage.reset();
    this.#again = true;
    this.#changed();
  }

  /** Log-out: nothing known any more. */
  clear(): void {
    this.contextChanged();
    this.#previous = NONE;
    this.#again = false;
    this.plan = undefined;
    this.#changed();
  }

  /**
   * An identify of the current context was queued (its wire `body`), or none
   * will be: answers had before it arrives are asked again once it has.
   */
  identifying(body?: unknown): void {
    if (body === undefined) {
      if (this.#again && !this.#identifying) this.#refresh();
      return;
    }
    this.#identifying = true;
    this.#identify = body;
    // Answers had now may not know it.
    for (const _ in this.#answers) {
      this.#again = true;
      break;
    }
  }

  /** The queue changed: undelivered usage may have. */
  queueChanged(): void {
    if (this.#metered) this.#changed();
  }

  /**
   * The queue settled an entry. A delivered track's usage is now counted by
   * the API: it is owed until an answer counts it (unless the answer shown
   * already does); the context's identify settled: answers had before it are
   * asked again.
   */
  settled({ event }: Entry, delivered: boolean): void {
    if (event.body === this.#identify) {
      this.#identify = undefined;
      this.#identifying = false;
      if (this.#again || this.#asks.size > 0) this.#refresh();
      return;
    }
    if (delivered && event.type === "track")
      this.#usage.delivered(event.body as WireTrackBody, this.#answers);
  }

  /** While mounted, answers shown are asked again every `flagCacheTtl`, restored ones at once; unwatched, the live socket (if any) closes. */
  watch(on: boolean): void {
    if (!on) this.live?.close();
    this.#freshness.watch(on, this.checks);
  }

  /**
   * Asks the API for one flag (or all), joining an identical request (or a
   * bulk one) in flight for the context. Never rejects.
   * @returns the answers had for the context asked about; undefined on failure.
   */
  ask(flag?: string, again?: boolean): Promise<Answers | undefined> {
    // The socket answered every flag for this context and pushes each change: nothing to ask.
    if (this.live?.connected) {
      this.#freshness.arm();
      return Promise.resolve(this.#answers);
    }
    const { session, api } = this.#config;
    const owner = session.key();
    const id = flag === undefined ? owner : `${owner}\n${flag}`;
    let answer = again ? undefined : (this.#asks.get(owner) ?? this.#asks.get(id));
    if (answer) return answer;
    const context = session.context;
    const epoch = this.#epoch;
    answer = api
      .request<{ data: WireAnswer }>({
        path: flag === undefined ? "/flags/check" : `/flags/${encodeURIComponent(flag)}/check`,
        body: context,
      })
      .then(({ data }) => {
        const got = readAnswer(data, flag, this.#missing, this.#config.log);
        if (flag !== undefined) this.#config.answered?.(flag, got[flag]!.value, context);
        if (epoch === this.#epoch) {
          this.#merge(got, flag === undefined, data.plan);
          return got;
        }
        // Outdated meanwhile (the identify arrived): a newer request answers for this context.
        const newer = this.#asks.get(owner);
        return newer && newer !== answer ? newer : got;
      })
      .catch((error: unknown) => {
        this.#config.log("flag check failed", error);
        if (epoch === this.#epoch) this.#merge();
        return undefined;
      })
      .finally(() => {
        if (this.#asks.get(id) === answer) this.#asks.delete(id);
      });
    this.#asks.set(id, answer);
    return answer;
  }

  /** A live push, converted: answers for the current context (a flag left out keeps its value) and the plan (absent: unchanged). */
  push(got: Answers, plan: WireFlagsCheck["plan"]): void {
    this.#merge(got, true, plan, true);
  }

  /** Asks again for everything shown, past any request in flight. */
  #refresh(): void {
    this.#again = false;
    this.#epoch++;
    void this.ask(undefined, true);
  }

  /** Takes answers (none: the request failed, fallbacks apply). Listeners hear only of real changes. */
  #merge(got?: Answers, bulk?: boolean, plan?: WireFlagsCheck["plan"], live?: boolean): void {
    let changed = !this.ready;
    this.ready = true;
    // A bulk answer (or a failure) settles what the previous context left shown.
    if ((!got || bulk) && this.#previous !== NONE) {
      this.#previous = NONE;
      if (!got) this.plan = undefined;
      changed = true;
    }
    if (got) {
      // A socket pushes again once the identify has changed an answer; a request has to ask again.
      if (this.#identifying && !live) this.#again = true;
      const now = monotonicNow();
      const queued = this.#usage.queued();
      for (const flag in got) {
        this.#freshness.answered(flag, now);
        this.#usage.answered(flag, this.#answers[flag]?.featureUsage, got[flag]!, queued);
        if (same(this.#answers[flag], got[flag])) continue;
        this.#answers[flag] = got[flag]!;
        changed = true;
      }
      // A push without a plan leaves it as it is; `null` is no plan.
      if (bulk && !(live && plan === undefined)) {
        const next = plan ? Object.freeze(fromWirePlan(plan)) : undefined;
        changed ||= !same(next, this.plan);
        this.plan = next;
      }
      this.#freshness.arm();
    }
    if (changed) this.#changed();
  }

  #changed(): void {
    this.#dirty = true;
    this.#config.changed();
  }

  #build(): void {
    this.#dirty = false;
    const shown: Record<string, Readonly<FlagCheck>> = { ...this.#previous, ...this.#answers };
    this.#metered = this.#usage.add(shown, this.#view);
    const values: Record<string, boolean> = {};
    let any = false;
    for (const flag in shown) {
      values[flag] = shown[flag]!.value;
      any = true;
    }
    // Nothing shown is always the same object: a burst of context changes allocates nothing.
    this.#view = any ? Object.freeze(shown) : NONE;
    this.#values = any ? Object.freeze(values) : (NONE as never);
  }
}
