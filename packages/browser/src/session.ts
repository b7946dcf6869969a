/**
 * Who the client is about, kept across pages: the context, the last identify
 * queued (to drop identical ones), the anonymous id, and the flag answers the
 * flags room hands it, all under one storage key. What is read back is
 * checked by shape; anything else is left out.
 */
import {
  type Context,
  type FlagCheck,
  type IdentifyInput,
  jsonEqual,
  type Plan,
  uuid,
  validateContext,
  validatedJson,
  validateIdentify,
} from "@schematic-sdk/core";
import { readJson, type Writer } from "./writer";

/** What is stored (field names are a format: an older page's `{ c, l, u }` is read too). */
export interface Saved {
  context?: Context;
  identify?: IdentifyInput | undefined;
  checks?: Record<string, FlagCheck> | undefined;
  plan?: Plan | undefined;
  anonymousId?: string;
}

/** The format of earlier versions. */
interface SavedV0 {
  c?: Context;
  l?: IdentifyInput;
  u?: string;
}

/** `validate(value)`, or undefined when it is absent or does not pass. */
function valid<T>(
  value: unknown,
  validate: (value: unknown) => T,
  log: (...args: unknown[]) => void,
): T | undefined {
  try {
    return value === undefined ? undefined : validate(value);
  } catch (error) {
    log("discarded a stored value of an unknown shape:", (error as Error).message);
    return undefined;
  }
}

export class Session {
  /** The last identify queued or delivered: an identical one is not sent again. */
  last: IdentifyInput | undefined;
  anonymousId = "";
  readonly #writer: Writer;
  readonly #storageKey: string;
  readonly #flags: () => Pick<Saved, "checks" | "plan">;
  readonly #log: (...args: unknown[]) => void;
  #key: string | undefined;
  /** Frozen at its first read, which hands it out: a burst of identifies replaces many contexts nobody read. */
  #context: Context;

  constructor(params: {
    writer: Writer;
    storageKey: string;
    context: Context;
    flags: () => Pick<Saved, "checks" | "plan">;
    log: (...args: unknown[]) => void;
  }) {
    this.#log = params.log;
    this.#writer = params.writer;
    this.#storageKey = params.storageKey;
    this.#flags = params.flags;
    this.#context = params.context;
  }

  /** The context later calls are about, its key maps included frozen: snapshots hand it out as is. */
  get context(): Readonly<Context> {
    const context = this.#context;
    if (!Object.isFrozen(context)) {
      Object.freeze(context.user);
      Object.freeze(context.company);
      Object.freeze(context);
    }
    return context;
  }

  /**
   * Reads what an earlier page stored; takes its context unless `keepContext`.
   * @returns the stored flag answers, for the flags room.
   */
  restore(keepContext: boolean): Pick<Saved, "checks" | "plan"> {
    const saved = (readJson(this.#writer.storage, this.#storageKey) ?? {}) as Saved & SavedV0;
    const log = this.#log;
    this.last = valid(saved.identify ?? saved.l, validateIdentify, log);
    const id = saved.anonymousId ?? saved.u;
    const kept = typeof id === "string" && id;
    if (!kept && id !== undefined) log("discarded a stored anonymous id that is not a string");
    this.anonymousId = kept || uuid();
    const context = keepContext ? undefined : valid(saved.context ?? saved.c, validateContext, log);
    if (!context) return {};
    this.set(context);
    // Their shape is the flags room's to check (`load`).
    return { checks: saved.checks, plan: saved.plan };
  }

  /** The context's content key: flag requests and answers are matched by it. */
  key(): string {
    this.#key ??= validatedJson([this.context.company, this.context.user]);
    return this.#key;
  }

  /** Sets the context; false when it has this content already. */
  set(context: Context): boolean {
    // Contexts come from validation or storage only: no undefined members, so equal content is equal JSON.
    if (jsonEqual(context, this.#context)) return false;
    this.#key = undefined;
    this.#context = context;
    return true;
  }

  /** Log-out: no context, no last identify, a new anonymous id. */
  reset(): void {
    this.set({});
    this.last = undefined;
    this.anonymousId = uuid();
  }

  save(): void {
    this.#writer.mark(this.#storageKey, this.#saved);
  }

  readonly #saved = (): Saved => ({
    context: this.context,
    identify: this.last,
    ...this.#flags(),
    anonymousId: this.anonymousId,
  });
}
