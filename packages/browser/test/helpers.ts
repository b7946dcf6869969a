/** Shared test setup: an msw server failing on unhandled requests, and fake platform seams. */
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";
import {
  type LockManagerLike,
  memoryStorage,
  type PageEvent,
  type PageLifecycle,
  Schematic,
  type SchematicOptions,
  type Storage,
  type WireEvent,
} from "../src/index";

export const EVENTS = "https://c.schematichq.com";
export const API = "https://api.schematichq.com";
export const KEY = "api_test_0123456789";

export const server = setupServer();

/** Installs msw (unhandled requests fail the test) and fake timers for the file. */
export function useServer(): void {
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00.000Z") });
  });
  afterEach(() => {
    server.resetHandlers();
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  afterAll(() => server.close());
}

export interface Received {
  event: WireEvent;
  headers: Headers;
}

/**
 * Records what reaches `POST /e` (and `POST /batch`, one entry per event).
 * `reply` decides each answer (default 200); it sees how many requests came before.
 */
export function captureEvents(reply?: (count: number, event: WireEvent) => Response | undefined): Received[] {
  const received: Received[] = [];
  let count = 0;
  server.use(
    http.post(`${EVENTS}/e`, async ({ request }) => {
      const event = (await request.json()) as WireEvent;
      const answer = reply?.(count++, event);
      if (answer && !answer.ok) return answer;
      received.push({ event, headers: request.headers });
      return answer ?? HttpResponse.json({});
    }),
    http.post(`${EVENTS}/batch`, async ({ request }) => {
      const { events } = (await request.json()) as { events: WireEvent[] };
      const answer = reply?.(count++, events[0]!);
      if (answer && !answer.ok) return answer;
      for (const event of events) received.push({ event, headers: request.headers });
      return answer ?? HttpResponse.json({});
    }),
  );
  return received;
}

/** Counts requests to any path of both hosts (for "nothing was sent" checks). */
export function countRequests(): { count: number } {
  const counter = { count: 0 };
  server.events.on("request:start", () => {
    counter.count++;
  });
  return counter;
}

/** A memory storage that counts writes. */
export function countingStorage(base: Storage = memoryStorage()): Storage & { writes: number } {
  const storage = {
    writes: 0,
    get: (key: string) => base.get(key),
    set(key: string, value: string) {
      storage.writes++;
      base.set(key, value);
    },
    remove(key: string) {
      storage.writes++;
      base.remove(key);
    },
  };
  return storage;
}

/** A page lifecycle the test drives. */
export function fakeLifecycle(): PageLifecycle & { emit(event: PageEvent): void; isOnline: boolean } {
  const listeners = new Set<(event: PageEvent) => void>();
  const lifecycle = {
    isOnline: true,
    online: () => lifecycle.isOnline,
    subscribe(listener: (event: PageEvent) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    emit(event: PageEvent) {
      for (const listener of [...listeners]) listener(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
  return lifecycle;
}

/** Web Locks in memory: exclusive locks by name, `ifAvailable`, released when the callback's promise settles. */
export function fakeLocks(): LockManagerLike & { held: Set<string> } {
  const held = new Set<string>();
  const waiting = new Map<string, (() => void)[]>();
  const run = async (name: string, callback: (lock: unknown) => unknown) => {
    held.add(name);
    try {
      return await callback({ name });
    } finally {
      held.delete(name);
      waiting.get(name)?.shift()?.();
    }
  };
  return {
    held,
    async request(name, options, callback) {
      await Promise.resolve();
      if (!held.has(name)) return run(name, callback);
      if (options.ifAvailable) return callback(null);
      await new Promise<void>((resolve) => {
        const queue = waiting.get(name) ?? [];
        queue.push(resolve);
        waiting.set(name, queue);
      });
      return run(name, callback);
    },
  };
}

/** A client with memory storage, a fake lifecycle, the storage lease and a short flush interval. */
export function createClient(options: SchematicOptions = {}): Schematic {
  return new Schematic(KEY, {
    storage: memoryStorage(),
    lifecycle: fakeLifecycle(),
    locks: null,
    ...options,
  });
}

/** Lets timers and the requests they start run. */
export async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 5; i++) await vi.advanceTimersByTimeAsync(0);
}
