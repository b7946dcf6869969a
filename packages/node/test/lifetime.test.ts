/**
 * What keeps the process alive: the buffer's own timer never does (a server
 * that only tracks can still exit), while anything a caller awaits does (a
 * script ending in `await upsertCompany(…)` or `await flush()` must not exit
 * before the answer).
 */
import { HttpResponse, http } from "msw";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { API, batchRecorder, client, server, wireCompany } from "./helpers";

type Handle = { hasRef(): boolean };

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  server.resetHandlers();
  vi.restoreAllMocks();
  vi.useRealTimers();
});
afterAll(() => server.close());

/** Every timer set from now on, with its delay and handle. */
function timersSet() {
  const spy = vi.spyOn(globalThis, "setTimeout");
  return () =>
    spy.mock.calls.map((call, i) => ({
      ms: call[1] as number,
      handle: spy.mock.results[i]!.value as Handle,
    }));
}

describe("process lifetime", () => {
  it("the buffer's flush timer is unref'd: buffered events alone never keep the process alive", () => {
    batchRecorder();
    const set = timersSet();
    client().track({ event: "e" });
    const flushTimer = set().find((t) => t.ms === 1000);
    expect(flushTimer?.handle.hasRef()).toBe(false);
  });

  it("flush() during a Retry-After pause keeps the process alive until it is delivered", async () => {
    const batches = batchRecorder((n) =>
      n === 1
        ? new HttpResponse(null, { status: 429, headers: { "Retry-After": "5" } })
        : HttpResponse.json({}),
    );
    const schematic = client();
    schematic.track({ event: "e" });
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(batches).toHaveLength(1));
    const set = timersSet();
    const flushed = schematic.flush();
    await vi.advanceTimersByTimeAsync(0);
    const waits = set().filter((t) => t.ms > 4000);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((t) => t.handle.hasRef())).toBe(true);
    await vi.advanceTimersByTimeAsync(5000);
    await flushed;
    expect(batches).toHaveLength(2);
  });

  it("an upsert's retry wait keeps the process alive", async () => {
    let calls = 0;
    server.use(
      http.post(`${API}/companies`, () => {
        calls += 1;
        return calls === 1
          ? HttpResponse.error()
          : HttpResponse.json({ data: wireCompany({ id: "c" }), params: {} });
      }),
    );
    const set = timersSet();
    const pending = client().upsertCompany({ keys: { id: "c" } });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(pending).resolves.toMatchObject({ id: "comp_1" });
    expect(calls).toBe(2);
    expect(set().length).toBeGreaterThan(1);
    expect(set().every((t) => t.handle.hasRef())).toBe(true);
  });
});
