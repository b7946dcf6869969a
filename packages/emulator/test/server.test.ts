import { readdir, readFile, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../src/node";
import { event, SECRET } from "./helpers";
import { useServers } from "./servers";

const servers = useServers("schematic-emulator-");
const start = servers.start;

const post = (url: string, body: unknown, key = SECRET) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-schematic-api-key": key },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("startEmulator", () => {
  it("serves the protocol over HTTP on 127.0.0.1 with an ephemeral port", async () => {
    const { url, emulator } = await start();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await post(`${url}/companies`, { keys: { id: "c_1" }, name: "Acme" });
    expect(res.status).toBe(200);
    expect((await res.json()).data.name).toBe("Acme");
    expect(emulator.store.findCompany({ id: "c_1" })).toBeDefined();
    const page = await fetch(`${url}/`);
    expect(await page.text()).toContain("Acme");
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });

  it("keeps connections alive", async () => {
    const { port } = await start();
    const agentRequests = (await import("node:http")).Agent;
    const agent = new agentRequests({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve, reject) => {
        const req = httpRequest({ host: "127.0.0.1", port, path: "/stats", agent }, (res) => {
          sockets.add(res.socket);
          expect(res.headers.connection).toBe("keep-alive");
          res.resume();
          res.on("end", resolve);
        });
        req.on("error", reject);
        req.end();
      });
    }
    agent.destroy();
    expect(sockets.size).toBe(1);
  });

  it("answers 400 to an oversized body, and keeps serving", async () => {
    const { url, emulator } = await start({ maxBodyBytes: 1000 });
    const res = await post(`${url}/companies`, { keys: { id: "c" }, traits: { t: "x".repeat(2000) } });
    expect(res.status).toBe(400);
    expect((await post(`${url}/companies`, { keys: { id: "c" } })).status).toBe(200);
    expect(emulator.store.companies()).toHaveLength(1);
  });

  it("loads a flags file", async () => {
    const file = join(servers.dir(), "flags.json");
    await writeFile(
      file,
      JSON.stringify({ flags: { f: { default: false, companies: { "id:c_1": true } } } }),
    );
    const { url } = await start({ flags: file });
    const res = await post(`${url}/flags/f/check`, { company: { id: "c_1" } }, "api_pub_x");
    expect((await res.json()).data.value).toBe(true);
    await writeFile(file, "{");
    await expect(startEmulator({ port: 0, flags: file })).rejects.toThrow(/Cannot load flags file/);
  });

  it("persists to a data file atomically and loads it on the next start", async () => {
    const file = join(servers.dir(), "round-trip.json");
    const first = await start({ dataFile: file, persistDelay: 20 });
    await post(`${first.url}/users`, { keys: { id: "u_1" }, company: { id: "c_1" }, name: "Ann" });
    await post(`${first.url}/e`, event("track", { event: "query" }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    const written = JSON.parse(await readFile(file, "utf8"));
    expect(written.users).toHaveLength(1);
    await post(`${first.url}/companies`, { keys: { id: "c_2" } });
    await first.close();
    expect((await readdir(servers.dir())).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const second = await start({ dataFile: file });
    const { store } = second.emulator;
    expect(store.findUser({ id: "u_1" })?.name).toBe("Ann");
    expect(store.findCompany({ id: "c_1" })?.user_count).toBe(1);
    expect(store.findCompany({ id: "c_2" })).toBeDefined();
    expect(store.events()).toHaveLength(1);
    // dedupe survives the restart
    const sent = event("track", { event: "again" });
    await post(`${second.url}/e`, sent);
    await second.close();
    const third = await start({ dataFile: file });
    const dup = await post(`${third.url}/e`, sent);
    expect((await dup.json()).data.duplicates).toBe(1);
  });

  it("refuses a corrupt data file and leaves it untouched", async () => {
    const file = join(servers.dir(), "corrupt.json");
    for (const content of ["{not json", JSON.stringify({ version: 1, companies: "x" })]) {
      await writeFile(file, content);
      await expect(startEmulator({ port: 0, dataFile: file })).rejects.toThrow(/corrupt/);
      expect(await readFile(file, "utf8")).toBe(content);
    }
  });

  it("reports a port in use", async () => {
    const { port } = await start();
    await expect(startEmulator({ port })).rejects.toThrow(/EADDRINUSE/);
  });

  it("fault injection over HTTP stays within tolerance", async () => {
    const { url, emulator } = await start({ failRate: 0.3 });
    const statuses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        post(`${url}/companies`, { keys: { id: `c${i}` } }).then((r) => r.status),
      ),
    );
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(400 * 0.3 - 50);
    expect(failed).toBeLessThan(400 * 0.3 + 50);
    expect(emulator.store.companies()).toHaveLength(400 - failed);
    expect(emulator.store.stats().faults.failed).toBe(failed);
  });
});
