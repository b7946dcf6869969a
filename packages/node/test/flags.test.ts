import { HttpResponse, http } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { SchematicValidationError } from "../src/index";
import { API, client, KEY, server, silentLogger } from "./helpers";

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  vi.useRealTimers();
});
afterAll(() => server.close());

function flagServer(value: boolean | (() => Response | Promise<Response>)) {
  const seen: { flag: string; body: unknown; key: string | null }[] = [];
  server.use(
    http.post(`${API}/flags/:flag/check`, async ({ request, params }) => {
      seen.push({
        flag: String(params.flag),
        body: await request.json(),
        key: request.headers.get("x-schematic-api-key"),
      });
      if (typeof value === "function") return value();
      return HttpResponse.json({ data: { flag: params.flag, value, reason: "rule" }, params: {} });
    }),
  );
  return seen;
}

describe("checkFlag", () => {
  it("asks POST /flags/{key}/check with the context and the secret key", async () => {
    const seen = flagServer(true);
    const on = await client().checkFlag("my flag", { company: { id: "c_1" }, user: { id: "u_1" } });
    expect(on).toBe(true);
    expect(seen).toEqual([
      { flag: "my flag", body: { company: { id: "c_1" }, user: { id: "u_1" } }, key: KEY },
    ]);
  });

  it("caches answers per flag and context, whatever the key order", async () => {
    const seen = flagServer(true);
    const schematic = client();
    await schematic.checkFlag("f", { company: { id: "c", plan: "x" } });
    await schematic.checkFlag("f", { company: { plan: "x", id: "c" } });
    expect(seen).toHaveLength(1);
    await schematic.checkFlag("f", { company: { id: "other" } });
    await schematic.checkFlag("g", { company: { id: "c", plan: "x" } });
    expect(seen).toHaveLength(3);
  });

  it("answers a context object changed between checks for what it holds now", async () => {
    const seen: string[] = [];
    server.use(
      http.post(`${API}/flags/:flag/check`, async ({ request }) => {
        const body = (await request.json()) as { company?: { id?: string }; user?: { id?: string } };
        const id = body.company?.id ?? "none";
        seen.push(`${id}/${body.user?.id ?? "none"}`);
        return HttpResponse.json({ data: { flag: "f", value: id === "paid", reason: "rule" }, params: {} });
      }),
    );
    const schematic = client();
    const context: { company?: { id: string; plan?: string }; user?: { id: string } } = {
      company: { id: "paid" },
    };
    expect(await schematic.checkFlag("f", context)).toBe(true);
    context.company!.id = "free";
    expect(await schematic.checkFlag("f", context)).toBe(false);
    context.company = { id: "paid", plan: "x" };
    expect(await schematic.checkFlag("f", context)).toBe(true);
    context.user = { id: "u" };
    expect(await schematic.checkFlag("f", context)).toBe(true);
    delete context.company;
    expect(await schematic.checkFlag("f", context)).toBe(false);
    // Each of these was a new question; asking any of them again is answered from the cache.
    expect(await schematic.checkFlag("f", { company: { id: "free" } })).toBe(false);
    expect(await schematic.checkFlag("f", { company: { plan: "x", id: "paid" } })).toBe(true);
    expect(seen).toEqual(["paid/none", "free/none", "paid/none", "paid/u", "none/u"]);
  });

  it("answers each of two contexts and two flags asked in turn from its own answer", async () => {
    const seen: string[] = [];
    server.use(
      http.post(`${API}/flags/:flag/check`, async ({ request, params }) => {
        const body = (await request.json()) as { company: { id: string } };
        seen.push(`${params.flag}/${body.company.id}`);
        const value = params.flag === "f" ? body.company.id === "paid" : body.company.id === "free";
        return HttpResponse.json({ data: { flag: params.flag, value, reason: "rule" }, params: {} });
      }),
    );
    const schematic = client();
    const paid = { company: { id: "paid" } };
    const free = { company: { id: "free" } };
    const answers: boolean[] = [];
    for (let round = 0; round < 3; round++) {
      for (const [flag, context] of [
        ["f", paid],
        ["f", free],
        ["g", paid],
        ["g", free],
        ["f", free],
        ["f", paid],
      ] as const) {
        answers.push(await schematic.checkFlag(flag, context));
      }
    }
    expect(answers).toEqual(Array(3).fill([true, false, false, true, false, true]).flat());
    expect(seen.sort()).toEqual(["f/free", "f/paid", "g/free", "g/paid"]);
  });

  it("refuses a context whose keys are no longer a plain object, even right after a hit", async () => {
    const seen = flagServer(true);
    const schematic = client();
    const context: { company: Record<string, string> } = { company: { id: "c" } };
    expect(await schematic.checkFlag("f", context)).toBe(true);
    class Keys {
      id = "c";
    }
    context.company = new Keys() as unknown as Record<string, string>;
    await expect(schematic.checkFlag("f", context)).rejects.toThrow(SchematicValidationError);
    context.company = Object.assign(Object.create({}) as Record<string, string>, { id: "c" });
    await expect(schematic.checkFlag("f", context)).rejects.toThrow(SchematicValidationError);
    const bare = Object.assign(Object.create(null) as Record<string, string>, { id: "c" });
    expect(await schematic.checkFlag("f", { company: bare })).toBe(true);
    expect(seen).toHaveLength(1);
  });

  it("asks again for an answer the cache evicted, even the one asked last", async () => {
    const seen = flagServer(true);
    const schematic = client({ flagCacheSize: 1 });
    const a = { company: { id: "a" } };
    const b = { company: { id: "b" } };
    await schematic.checkFlag("f", a);
    await schematic.checkFlag("f", a);
    await schematic.checkFlag("f", b);
    await schematic.checkFlag("f", a);
    await schematic.checkFlag("f", a);
    expect(seen.map((s) => (s.body as typeof a).company.id)).toEqual(["a", "b", "a"]);
  });

  it("tells a company with no keys from no company, and a key's value from its name", async () => {
    const seen = flagServer(true);
    const schematic = client();
    await schematic.checkFlag("f", { user: { id: "u" } });
    await expect(schematic.checkFlag("f", { company: {}, user: { id: "u" } })).rejects.toThrow(
      SchematicValidationError,
    );
    await schematic.checkFlag("f", { company: { id: "u" } });
    await schematic.checkFlag("f", { company: { u: "id" } });
    expect(seen.map((s) => s.body)).toEqual([
      { user: { id: "u" } },
      { company: { id: "u" } },
      { company: { u: "id" } },
    ]);
  });

  it("asks again after the cache's time to live", async () => {
    vi.useFakeTimers();
    const seen = flagServer(true);
    const schematic = client({ flagCacheTtl: 1000 });
    await schematic.checkFlag("f", {});
    await vi.advanceTimersByTimeAsync(999);
    await schematic.checkFlag("f", {});
    expect(seen).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await schematic.checkFlag("f", {});
    expect(seen).toHaveLength(2);
  });

  it("joins identical checks in flight", async () => {
    const seen = flagServer(true);
    const schematic = client();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => schematic.checkFlag("f", { user: { id: "u" } })),
    );
    expect(answers).toEqual(Array(10).fill(true));
    expect(seen).toHaveLength(1);
  });

  it("answers the fallback on failure, logs the first failure only, and does not cache it", async () => {
    const logger = { ...silentLogger(), warn: vi.fn() };
    const seen = flagServer(() => HttpResponse.json({ error: "boom" }, { status: 500 }));
    const schematic = client({ logger });
    expect(await schematic.checkFlag("f", {}, { fallback: true })).toBe(true);
    expect(await schematic.checkFlag("f", {}, { fallback: false })).toBe(false);
    expect(seen).toHaveLength(2);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(KEY);
  });

  it("answers the fallback after its short timeout, without retrying", async () => {
    vi.useFakeTimers();
    let calls = 0;
    const fetch = (_url: string, init: RequestInit) => {
      calls += 1;
      return new Promise<Response>((_resolve, reject) =>
        init.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError"))),
      );
    };
    const pending = client({ fetch }).checkFlag("f", {}, { fallback: true });
    await vi.advanceTimersByTimeAsync(2000);
    expect(await pending).toBe(true);
    expect(calls).toBe(1);
  });

  it("refuses a bad key or context before any request", async () => {
    await expect(client().checkFlag("", {})).rejects.toBeInstanceOf(SchematicValidationError);
    await expect(client().checkFlag("f", { company: { id: 1 } } as never)).rejects.toThrow(/company\.id/);
  });
});
