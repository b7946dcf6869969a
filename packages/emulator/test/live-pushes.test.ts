/**
 * Pushes that no request causes: a usage period ending (under fake timers,
 * the server's clock and timers being the faked ones), and the catalog file
 * changing on disk.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import type { Catalog } from "../src/index";
import { PUBLISHABLE, SECRET } from "./helpers";
import { useServers } from "./servers";

const servers = useServers("schematic-emulator-pushes-");

interface Push {
  plan: { id: string } | null;
  flags: Array<{ flag: string; value: boolean; feature_usage: number | null }>;
}

/** A live client for `company` that keeps every push (no timers of its own: they may be fake). */
async function liveClient(url: string, company: string) {
  const socket = new WebSocket(`${url.replace("http", "ws")}/flags/bootstrap?apiKey=${PUBLISHABLE}`);
  const pushes: Push[] = [];
  const waiters: Array<() => void> = [];
  socket.on("message", (data) => {
    pushes.push(JSON.parse(data.toString()));
    for (const wake of waiters.splice(0)) wake();
  });
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ apiKey: PUBLISHABLE, data: { company: { id: company } } }));
  const count = (n: number) =>
    new Promise<Push>((resolve) => {
      const check = () => (pushes.length >= n ? resolve(pushes[n - 1]!) : waiters.push(check));
      check();
    });
  return { socket, pushes, count };
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { "x-schematic-api-key": SECRET },
    body: JSON.stringify(body),
  });

const daily: Catalog = {
  features: { queries: { type: "event", event: "query" } },
  plans: {
    free: { name: "Free", entitlements: { queries: { allocation: 2, period: "current_day" } } },
    pro: { name: "Pro", entitlements: { queries: "unlimited" } },
  },
  defaultPlan: "free",
};

afterEach(() => {
  vi.useRealTimers();
});

describe("pushes without a request", () => {
  it("a context at its daily allocation is pushed its new allowance when the day ends; one without windowed usage is not", async () => {
    vi.useFakeTimers({
      toFake: ["setTimeout", "clearTimeout", "Date"],
      now: Date.UTC(2030, 0, 15, 23, 59, 0),
    });
    const { url } = await servers.start({ catalog: daily, now: () => Date.now() });
    await post(url, "/companies", { keys: { id: "acme" } });
    await post(url, "/companies", { keys: { id: "big" }, traits: {} });
    await fetch(`${url}/admin/companies/id:big/plan`, {
      method: "PUT",
      headers: { "x-schematic-api-key": SECRET },
      body: JSON.stringify({ plan: "pro" }),
    });
    await post(url, "/batch", {
      events: [{ type: "track", body: { event: "query", company: { id: "acme" }, quantity: 2 } }],
    });
    const acme = await liveClient(url, "acme");
    const big = await liveClient(url, "big");
    expect((await acme.count(1)).flags[0]).toMatchObject({ value: false, feature_usage: 2 });
    await big.count(1);

    await vi.advanceTimersByTimeAsync(59_000); // still today: nothing
    expect(acme.pushes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_100); // midnight UTC, and the push delay
    expect((await acme.count(2)).flags[0]).toMatchObject({ value: true, feature_usage: 0 });
    expect(big.pushes).toHaveLength(1);

    // and the next day ends too
    await post(url, "/batch", {
      events: [{ type: "track", body: { event: "query", company: { id: "acme" }, quantity: 2 } }],
    });
    await vi.advanceTimersByTimeAsync(20);
    expect((await acme.count(3)).flags[0]).toMatchObject({ value: false });
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect((await acme.count(4)).flags[0]).toMatchObject({ value: true, feature_usage: 0 });
    expect(big.pushes).toHaveLength(1);
    acme.socket.close();
    big.socket.close();
  });

  it("a catalog file saved again (also by rename, as editors do) is pushed to the contexts it changes", async () => {
    const file = join(servers.dir(), "catalog.json");
    await writeFile(file, JSON.stringify(daily));
    const reloads: string[] = [];
    const { url } = await servers.start({
      catalog: file,
      onCatalogReload: (reload) => reloads.push("error" in reload ? reload.error.message : "ok"),
    });
    const acme = await liveClient(url, "acme");
    expect((await acme.count(1)).plan?.id).toBe("free");

    const proByDefault = { ...daily, defaultPlan: "pro" };
    await writeFile(`${file}.tmp`, JSON.stringify(proByDefault));
    await rename(`${file}.tmp`, file);
    expect((await acme.count(2)).plan?.id).toBe("pro");

    // a broken save keeps the catalog in use and pushes nothing; the same catalog again pushes nothing
    await writeFile(file, '{"features": ');
    await vi.waitFor(() => expect(reloads.at(-1)).toMatch(/JSON/), { timeout: 3000 });
    await writeFile(file, JSON.stringify(proByDefault));
    await vi.waitFor(() => expect(reloads.at(-1)).toBe("ok"), { timeout: 3000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(acme.pushes).toHaveLength(2);
    expect(JSON.parse(await readFile(file, "utf8")).defaultPlan).toBe("pro");
    acme.socket.close();
  });
});
