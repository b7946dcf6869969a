import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEmulator } from "../src/msw";
import { SECRET } from "./helpers";

const emulator = createEmulator({ apiUrl: "https://api.example.test/v1", flags: { flags: { f: true } } });
const defaults = createEmulator({ anyOrigin: true });
const server = setupServer(...emulator.handlers, ...defaults.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  emulator.reset();
  defaults.reset();
});
afterAll(() => server.close());

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-schematic-api-key": SECRET },
    body: JSON.stringify(body),
  });

describe("msw handlers", () => {
  it("answer for a configured apiUrl, path prefix included", async () => {
    const res = await post("https://api.example.test/v1/companies", { keys: { id: "c_1" } });
    expect(res.status).toBe(200);
    expect(emulator.store.findCompany({ id: "c_1" })).toBeDefined();
    const flag = await post("https://api.example.test/v1/flags/f/check", {});
    expect((await flag.json()).data.value).toBe(true);
  });

  it("answer for the hosted default event URL, unknown paths with 404", async () => {
    const res = await post("https://c.schematichq.com/batch", { events: [] });
    expect(res.status).toBe(200);
    expect((await post("https://c.schematichq.com/nope", {})).status).toBe(404);
    expect((await post("https://api.example.test/v1/nope", {})).status).toBe(404);
  });

  it("with anyOrigin, answer the protocol's paths on any origin", async () => {
    const res = await post("http://localhost:9999/users", { keys: { id: "u_1" } });
    expect(res.status).toBe(200);
    expect(defaults.store.findUser({ id: "u_1" })).toBeDefined();
    const flag = await post("http://localhost:9999/flags/x/check", {});
    expect((await flag.json()).data.flag).toBe("x");
  });

  it("the emulator's fetch drops into an SDK's fetch option", async () => {
    const res = await emulator.fetch(
      new Request("https://anywhere.test/companies", {
        method: "POST",
        headers: { "x-schematic-api-key": SECRET },
        body: JSON.stringify({ keys: { id: "c_2" } }),
      }),
    );
    expect(res.status).toBe(200);
  });
});

describe("createHandlers", () => {
  it("serves an emulator made by the main entry through msw", async () => {
    const { createEmulator: createBare } = await import("../src/index");
    const { createHandlers } = await import("../src/msw");
    const bare = createBare();
    const own = setupServer(...createHandlers(bare, { apiUrl: "https://own.example.test" }));
    server.close();
    own.listen({ onUnhandledRequest: "error" });
    try {
      const res = await post("https://own.example.test/companies", { keys: { id: "c_own" } });
      expect(res.status).toBe(200);
      expect(bare.store.findCompany({ id: "c_own" })).toBeDefined();
      expect(() => createHandlers(bare, { apiURL: "x" } as never)).toThrow(/did you mean "apiUrl"/);
    } finally {
      own.close();
      server.listen({ onUnhandledRequest: "error" });
    }
  });
});
