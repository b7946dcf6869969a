/**
 * Hostile input over real HTTP: bodies nested far deeper than any real one,
 * pages on other origins, and callers without a key trying to change state.
 */
import { readFile } from "node:fs/promises";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { event, PUBLISHABLE, SECRET } from "./helpers";
import { useServers } from "./servers";

const servers = useServers("schematic-emulator-hostile-");
const start = servers.start;

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request with any headers (Origin included), over node:http. */
function send(
  url: string,
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
) {
  return new Promise<Raw>((resolve, reject) => {
    const req = request(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", ...headers },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const nested = (levels: number, leaf = "1") => `${"[".repeat(levels)}${leaf}${"]".repeat(levels)}`;

describe("deeply nested bodies", () => {
  it("are refused with 400 before anything is stored; the inspector, /events and the data file keep working", async () => {
    const file = join(servers.dir(), "deep.json");
    const { url, flush } = await start({ dataFile: file, persistDelay: 10 });
    const deep = nested(100_000);
    const bodies: Array<[string, string, Record<string, string>]> = [
      ["/e", `{"api_key":"${PUBLISHABLE}","type":"track","body":{"event":"q"},"junk":${deep}}`, {}],
      [
        "/batch",
        `{"events":[{"type":"track","body":{"event":"q","extra":${deep}}}]}`,
        { "x-schematic-api-key": SECRET },
      ],
      ["/flags/x/check", `{"company":{"id":"c"},"more":${deep}}`, { "x-schematic-api-key": PUBLISHABLE }],
      ["/companies", `{"keys":{"id":"c"},"extra":${deep}}`, { "x-schematic-api-key": SECRET }],
    ];
    for (const [path, body, headers] of bodies) {
      const res = await send(url, "POST", path, body, headers);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.text).error).toBe("Request body nests objects and arrays deeper than 64 levels");
    }
    // 64 levels is fine (real bodies nest 5 or 6)
    const ok = `{"api_key":"${PUBLISHABLE}","type":"track","body":{"event":"q","company":{"id":"c"}},"junk":${nested(62)}}`;
    expect((await send(url, "POST", "/e", ok)).status).toBe(200);
    // brackets inside strings do not count
    const quoted = JSON.stringify(
      event("track", { event: "q", company: { id: "c" }, traits: { note: "[{".repeat(200) } }),
    );
    expect((await send(url, "POST", "/e", quoted)).status).toBe(200);
    expect((await send(url, "GET", "/")).status).toBe(200);
    const events = await send(url, "GET", "/events");
    expect(events.status).toBe(200);
    expect(JSON.parse(events.text).data).toHaveLength(2);
    await flush();
    expect(JSON.parse(await readFile(file, "utf8")).events).toHaveLength(2);
  });
});

describe("other origins", () => {
  it("a foreign page gets 403 and no CORS headers, for reads, writes and preflights alike", async () => {
    const { url, emulator } = await start();
    const evil = { origin: "https://evil.example" };
    for (const [method, path] of [
      ["GET", "/events"],
      ["GET", "/companies"],
      ["POST", "/reset"],
      ["OPTIONS", "/companies"],
    ] as const) {
      const res = await send(url, method, path, method === "POST" ? "" : undefined, {
        ...evil,
        "access-control-request-method": "POST",
        "access-control-request-private-network": "true",
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
      expect(res.headers["access-control-allow-private-network"]).toBeUndefined();
      expect(JSON.parse(res.text).error).toContain("--cors https://evil.example");
    }
    // a no-cors form post carrying a key in the body changes nothing either
    const form = await send(url, "POST", "/e", JSON.stringify(event("identify", { keys: { id: "x" } })), {
      ...evil,
      "content-type": "text/plain",
    });
    expect(form.status).toBe(403);
    expect(emulator.store.users()).toEqual([]);
  });

  it("loopback origins (a dev server on another port) and --cors origins are allowed, never with credentials", async () => {
    const { url } = await start({ cors: ["https://app.example"] });
    for (const origin of [
      "http://localhost:5173",
      "http://127.0.0.1:3000",
      "http://[::1]:8080",
      "http://app.localhost",
      "https://app.example",
    ]) {
      const res = await send(url, "OPTIONS", "/flags/x/check", undefined, {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type,x-schematic-api-key",
      });
      expect(res.status, origin).toBe(204);
      expect(res.headers["access-control-allow-origin"]).toBe(origin);
      expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    }
    for (const origin of [
      "null",
      "http://localhost.evil.example",
      "http://127.0.0.1.evil.example",
      "file://",
    ]) {
      expect((await send(url, "GET", "/stats", undefined, { origin })).status, origin).toBe(403);
    }
  });
});

describe("keys and state changes", () => {
  it("GET /events masks every API key", async () => {
    const { url } = await start();
    const key = "api_pub_0123456789abcdef";
    await send(url, "POST", "/e", JSON.stringify({ ...event("track", { event: "q" }), api_key: key }));
    await send(
      url,
      "POST",
      "/batch",
      JSON.stringify({
        events: [{ api_key: "sch_dev_secret_0123456789", type: "track", body: { event: "q" } }],
      }),
      {
        "x-schematic-api-key": SECRET,
      },
    );
    const res = await send(url, "GET", "/events");
    expect(res.text).not.toContain(key);
    expect(res.text).not.toContain("sch_dev_secret_0123456789");
    expect(JSON.parse(res.text).data.map((e: { api_key: string }) => e.api_key)).toEqual([
      "api_…cdef",
      "sch_…6789",
    ]);
    expect((await send(url, "GET", "/")).text).not.toContain(key);
  });

  it("POST /reset needs a secret key or the inspector page's token", async () => {
    const { url, emulator } = await start();
    await send(url, "POST", "/companies", JSON.stringify({ keys: { id: "c" } }), {
      "x-schematic-api-key": SECRET,
    });
    expect((await send(url, "POST", "/reset")).status).toBe(401);
    expect((await send(url, "POST", "/reset", "", { "x-schematic-api-key": PUBLISHABLE })).status).toBe(401);
    expect((await send(url, "POST", "/reset", "", { "x-schematic-emulator-token": "guess" })).status).toBe(
      401,
    );
    expect(emulator.store.companies()).toHaveLength(1);
    const page = (await send(url, "GET", "/")).text;
    const token = /"token":"([^"]+)"/.exec(page)?.[1];
    expect(token).toBeDefined();
    const reset = await send(url, "POST", "/reset", "", {
      "x-schematic-emulator-token": token!,
      origin: url,
    });
    expect(reset.status).toBe(200);
    expect(emulator.store.companies()).toHaveLength(0);
  });
});
