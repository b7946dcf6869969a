/**
 * Shared pieces of the resilience suite: a persisted storage shim, an
 * emulator that can be killed and restarted on the same port with its data
 * file, a fetch wrapper that keeps a per-client timeline (to check
 * `Retry-After` per client), and the checks every fault run ends with.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Storage } from "@schematic-sdk/core";
import {
  type EmulatorStats,
  type RequestLogEntry,
  type RunningEmulator,
  type StartEmulatorOptions,
  type StoredEvent,
  startEmulator,
} from "@schematic-sdk/emulator/node";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A deterministic random source (mulberry32), so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `localStorage` as the SDK sees it, over a Map that outlives each "page load" (client instance). */
export class MapStorage implements Storage {
  readonly map = new Map<string, string>();
  writes = 0;
  get(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  set(key: string, value: string): void {
    this.writes++;
    this.map.set(key, value);
  }
  remove(key: string): void {
    this.writes++;
    this.map.delete(key);
  }
  /** A copy of everything stored, to compare before and after. */
  dump(): Record<string, string> {
    return Object.fromEntries(this.map);
  }
}

/**
 * An emulator on a fixed port that can be killed and started again with the
 * same data file; stats of every incarnation are kept, since each starts its
 * counters from zero.
 */
export class RestartableEmulator {
  readonly options: StartEmulatorOptions;
  running!: RunningEmulator;
  #dir = "";
  #past: Array<{ stats: EmulatorStats; requests: RequestLogEntry[] }> = [];
  restarts = 0;

  private constructor(options: StartEmulatorOptions) {
    this.options = options;
  }

  static async start(options: StartEmulatorOptions): Promise<RestartableEmulator> {
    const self = new RestartableEmulator(options);
    self.#dir = await mkdtemp(join(tmpdir(), "schematic-resilience-"));
    self.running = await startEmulator({
      host: "127.0.0.1",
      requestLogLimit: 200_000,
      persistDelay: 100,
      ...options,
      port: 0,
      dataFile: join(self.#dir, "emulator.json"),
    });
    return self;
  }

  get url(): string {
    return this.running.url;
  }

  /** Closes the server (open connections are cut mid-request), stays down `downMs`, then starts again on the same port. */
  async restart(downMs: number): Promise<void> {
    const old = this.running;
    await old.close();
    this.#past.push({ stats: old.emulator.store.stats(), requests: old.emulator.store.requests() });
    await sleep(downMs);
    this.running = await startEmulator({
      host: "127.0.0.1",
      requestLogLimit: 200_000,
      persistDelay: 100,
      ...this.options,
      port: old.port,
      dataFile: join(this.#dir, "emulator.json"),
    });
    this.restarts++;
  }

  /** Events as the last incarnation holds them (loaded from the data file, then added to). */
  events(): StoredEvent[] {
    return this.running.emulator.store.events();
  }

  /** Counts summed over every incarnation. */
  totals(): {
    requests: number;
    eventsReceived: number;
    duplicates: number;
    failed: number;
    rateLimited: number;
  } {
    const all = [...this.#past.map((p) => p.stats), this.running.emulator.store.stats()];
    const sum = (pick: (s: EmulatorStats) => number) => all.reduce((n, s) => n + pick(s), 0);
    return {
      requests: sum((s) => s.requests),
      eventsReceived: sum((s) => s.eventsReceived),
      duplicates: sum((s) => s.duplicates),
      failed: sum((s) => s.faults.failed),
      rateLimited: sum((s) => s.faults.rateLimited),
    };
  }

  /** The request log of every incarnation, oldest first. */
  requests(): RequestLogEntry[] {
    return [...this.#past.flatMap((p) => p.requests), ...this.running.emulator.store.requests()];
  }

  async close(): Promise<void> {
    await this.running.close();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/** One request as a client saw it: when its fetch started and ended, the status, the `Retry-After` given. */
export interface ClientCall {
  path: string;
  start: number;
  end: number;
  status: number;
  retryAfter?: number;
  body?: string;
}

/** A `fetch` for one client that records its own timeline (the emulator's log cannot tell clients apart). */
export function recordingFetch(calls: ClientCall[]) {
  return async (input: string, init: RequestInit): Promise<Response> => {
    const start = Date.now();
    const path = new URL(input).pathname;
    const body = typeof init.body === "string" ? init.body : undefined;
    try {
      const response = await fetch(input, init);
      const ra = response.headers.get("retry-after");
      calls.push({
        path,
        start,
        end: Date.now(),
        status: response.status,
        ...(ra !== null && { retryAfter: Number(ra) }),
        ...(body !== undefined && { body }),
      });
      return response;
    } catch (error) {
      calls.push({ path, start, end: Date.now(), status: 0, ...(body !== undefined && { body }) });
      throw error;
    }
  };
}

/**
 * Requests a single client started before the time a `Retry-After` it was
 * given asked for: for each 429 it received at `end`, any later fetch that
 * started before `end + retryAfter`. Only `paths` are considered (a pause is
 * per host / per queue, not global to a process).
 */
export function retryAfterViolations(calls: ClientCall[], paths?: string[]): string[] {
  const mine = calls.filter((c) => !paths || paths.includes(c.path)).sort((a, b) => a.start - b.start);
  const out: string[] = [];
  for (const limited of mine) {
    if (limited.status !== 429 || limited.retryAfter === undefined) continue;
    const until = limited.end + limited.retryAfter * 1000;
    for (const c of mine) {
      if (c.start > limited.end && c.start < until) {
        out.push(`${c.path} at +${c.start - limited.end} ms after a 429 asking for ${limited.retryAfter} s`);
      }
    }
  }
  return out;
}

/**
 * The same check from the emulator's own log, for a run where one client is
 * the only caller: after a 429 that arrived at `at` and asked for `retryAfter`
 * seconds, nothing may arrive before `at + retryAfter` (the client got the
 * answer after `at`, so this is the weaker, server-side bound).
 */
export function serverRetryAfterViolations(log: RequestLogEntry[]): string[] {
  const out: string[] = [];
  let until = 0;
  let cause: RequestLogEntry | undefined;
  for (const entry of log) {
    if (entry.at < until && cause) {
      out.push(
        `${entry.method} ${entry.path} arrived ${until - entry.at} ms early (429 at ${cause.at} asked for ${cause.retryAfter} s)`,
      );
    }
    if (entry.status === 429 && entry.retryAfter !== undefined) {
      const next = entry.at + entry.retryAfter * 1000;
      if (next > until) {
        until = next;
        cause = entry;
      }
    }
  }
  return out;
}

/** One `identify` or `track` call a test made, labelled through a `label` trait. */
export interface Made {
  label: string;
  user: string;
  type: "identify" | "track";
}

const labelOf = (event: StoredEvent): string | undefined => {
  const label = (event.body as { traits?: Record<string, unknown> }).traits?.label;
  return typeof label === "string" ? label : undefined;
};

const userOf = (event: StoredEvent): string | undefined => {
  const body = event.body as { keys?: { id?: string }; user?: { id?: string } };
  return event.type === "identify" ? body.keys?.id : body.user?.id;
};

/**
 * Compares what a test's clients were asked to send with what the emulator
 * stored: labels never stored (lost), stored more than once (applied twice),
 * and per user, tracks that arrived before the identify called ahead of them,
 * and users whose arrival order is not their call order.
 */
export function deliveryReport(made: Made[], stored: StoredEvent[]) {
  const byLabel = new Map<string, number>();
  const storedByUser = new Map<string, string[]>();
  for (const e of stored) {
    const label = labelOf(e);
    if (!label) continue;
    byLabel.set(label, (byLabel.get(label) ?? 0) + 1);
    const user = userOf(e);
    if (user) storedByUser.set(user, [...(storedByUser.get(user) ?? []), label]);
  }
  const lost = made.filter((m) => !byLabel.has(m.label)).map((m) => m.label);
  const twice = [...byLabel].filter(([, n]) => n > 1).map(([label]) => label);
  const madeByUser = new Map<string, Made[]>();
  for (const m of made) madeByUser.set(m.user, [...(madeByUser.get(m.user) ?? []), m]);
  const identifyAfterTrack: string[] = [];
  const reordered: string[] = [];
  for (const [user, calls] of madeByUser) {
    const got = storedByUser.get(user) ?? [];
    const arrival = new Map(got.map((label, i) => [label, i]));
    // Every identify arrives before every track called after it.
    let lastIdentify: Made | undefined;
    for (const m of calls) {
      if (m.type === "identify") lastIdentify = m;
      else if (lastIdentify && (arrival.get(m.label) ?? -1) < (arrival.get(lastIdentify.label) ?? -1)) {
        identifyAfterTrack.push(`${m.label} arrived before ${lastIdentify.label}`);
      }
    }
    const want = calls.map((m) => m.label);
    const at = want.findIndex((label, i) => got[i] !== label);
    if (at >= 0)
      reordered.push(
        `${user}: #${at} is ${got[at]}, called ${want[at]} (${got.slice(at, at + 4).join(" ")})`,
      );
  }
  return { received: byLabel.size, lost, twice, identifyAfterTrack, reordered };
}

/** The suite's totals line: one compact line per run, for CI logs and the issue note. */
export function totalsLine(name: string, figures: Record<string, number | string>): string {
  return `[resilience] ${name}: ${Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ")}`;
}
