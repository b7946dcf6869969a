// @vitest-environment node
/** On a server (no window at all): importing and constructing touch nothing; calls work on memory. */
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, it, vi } from "vitest";

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

it("imports and constructs with no window, no timers and no requests", async () => {
  expect(typeof window).toBe("undefined");
  vi.useFakeTimers();
  const requests: string[] = [];
  server.events.on("request:start", ({ request }) => {
    requests.push(request.url);
  });
  const { Schematic } = await import("../src/index");
  const schematic = new Schematic("api_server_0123456789", {
    bootstrap: { context: { company: { id: "c_1" } }, flags: { f: true } },
  });
  expect(schematic.getServerSnapshot()).toMatchObject({ flags: { f: true }, isReady: true });
  expect(vi.getTimerCount()).toBe(0);
  expect(requests).toEqual([]);
  schematic.close();
  vi.useRealTimers();
});

it("works on memory when called on a server", async () => {
  const received: unknown[] = [];
  server.use(
    http.post("https://c.schematichq.com/e", async ({ request }) => {
      received.push(await request.json());
      return HttpResponse.json({});
    }),
  );
  const { Schematic } = await import("../src/index");
  const schematic = new Schematic("api_server_0123456789", { flushInterval: 0 });
  await expect(schematic.identify({ keys: { id: "u" } })).resolves.toEqual({ status: "delivered" });
  expect(received).toHaveLength(1);
  schematic.close();
});
