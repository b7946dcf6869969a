import { describe, expect, it, vi } from "vitest";
import type { FlagCheck } from "../src/index";
import { type RedisLikeClient, redisFlagCache } from "../src/redis";

function fakeRedis() {
  const data = new Map<string, { value: string; px: number }>();
  const client: RedisLikeClient & { isReady: boolean } = {
    isReady: true,
    get: vi.fn(async (key: string) => data.get(key)?.value ?? null),
    set: vi.fn(async (key: string, value: string, options: { expiration: { value: number } }) => {
      data.set(key, { value, px: options.expiration.value });
      return "OK";
    }),
    on: vi.fn(),
  };
  return { data, client };
}

const check: FlagCheck = {
  flag: "queries",
  value: false,
  reason: "3 of 3 queries used",
  ruleType: "plan_entitlement_usage_exceeded",
  featureUsageExceeded: true,
  featureUsageResetAt: new Date("2030-02-01T00:00:00Z"),
};

describe("redisFlagCache", () => {
  it("stores whole checks under the prefix with their TTL; dates come back as Dates", async () => {
    const { data, client } = fakeRedis();
    const cache = redisFlagCache({ client, prefix: "app:" });
    await cache.set("k", check, 5000);
    expect([...data.keys()]).toEqual(["app:k"]);
    expect(data.get("app:k")!.px).toBe(5000);
    const back = await cache.get("k");
    expect(back).toEqual(check);
    expect(back!.featureUsageResetAt).toBeInstanceOf(Date);
    expect(await cache.get("missing")).toBeUndefined();
    // Its connection errors never end the process.
    expect(client.on).toHaveBeenCalledWith("error", expect.any(Function));
  });

  it("rejects at once while the client is not ready (nothing queued), and after its timeout when Redis hangs", async () => {
    const { client } = fakeRedis();
    client.isReady = false;
    const cache = redisFlagCache({ client, timeout: 20 });
    await expect(cache.get("k")).rejects.toThrow(/not connected/);
    expect(client.get).not.toHaveBeenCalled();
    client.isReady = true;
    client.get = () => new Promise(() => {});
    await expect(cache.get("k")).rejects.toThrow(/GET took over 20 ms/);
  });

  it("answers junk as a miss, and refuses a missing client with a message that says what to pass", async () => {
    const { data, client } = fakeRedis();
    const cache = redisFlagCache({ client });
    data.set("schematic:flags:k", { value: '{"nope":1}', px: 1 });
    expect(await cache.get("k")).toBeUndefined();
    expect(() => redisFlagCache({} as never)).toThrow(/createClient\(\{ url \}\)\.connect\(\)/);
  });
});
