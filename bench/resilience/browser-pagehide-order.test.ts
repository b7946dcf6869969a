/**
 * Order at page hide, pinned down without a browser: the client is given a
 * page lifecycle it does not own and a `fetch` the test answers by hand, so
 * the interleaving that Chromium produces by chance (see chromium-faults)
 * happens every time.
 */
import { type PageEvent, Schematic } from "@schematic-sdk/browser";
import { expect, it } from "vitest";
import { MapStorage, sleep } from "./support";

// On pagehide the queue sends one ordered request (the head with `/e`, re-sending an identify still in
// flight), so when that identify then fails, nothing behind it has been applied: the next page load
// delivers it first.
it("a reload while the identify is in flight: the tracks after it still arrive after it", async () => {
  const applied: string[] = [];
  let openGate = () => {};
  const gate = new Promise<void>((resolve) => {
    openGate = resolve;
  });
  let firstIdentify = true;
  const fetch = async (_url: string, init: RequestInit): Promise<Response> => {
    const event = JSON.parse(String(init.body)) as { type: string; body: { traits?: { label?: string } } };
    const label = event.body.traits?.label ?? event.type;
    if (event.type === "identify" && firstIdentify) {
      firstIdentify = false;
      await gate;
      return new Response('{"error":"Injected fault"}', { status: 503 });
    }
    applied.push(label);
    return new Response('{"data":{}}', { status: 200 });
  };
  const storage = new MapStorage();
  let fire: (event: PageEvent) => void = () => {};
  const load = () =>
    new Schematic("api_pagehide", {
      storage,
      locks: null,
      fetch,
      flushInterval: 1,
      lifecycle: {
        online: () => true,
        subscribe: (listener) => {
          fire = listener;
          return () => {};
        },
      },
    });
  const page = load();
  void page.identify({ keys: { id: "u_1" }, traits: { label: "identify" } });
  for (let i = 0; i < 3; i++) void page.track({ event: "query", traits: { label: `track ${i}` } });
  await sleep(20); // the identify is in flight, the tracks wait behind it
  fire("pagehide"); // a reload begins
  await sleep(20);
  openGate(); // the identify fails; it stays stored for the next page
  await sleep(20);
  page.close();
  const next = load(); // the next page load adopts and sends what is left
  next.mount(); // a live page: its provider (or first call) starts it
  await sleep(20);
  await next.flush(5_000);
  next.close();
  expect(applied).toEqual(["identify", "track 0", "track 1", "track 2"]);
});
