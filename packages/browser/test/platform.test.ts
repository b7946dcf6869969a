import { HttpResponse, http } from "msw";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStorage, Schematic } from "../src/index";
import { captureEvents, EVENTS, KEY, server, settle, useServer } from "./helpers";

useServer();

function setOnline(value: boolean): void {
  Object.defineProperty(window.navigator, "onLine", { value, configurable: true });
}

afterEach(() => {
  setOnline(true);
});

/** A client on the window's own page events (the default lifecycle). */
const windowClient = () =>
  new Schematic(KEY, { storage: memoryStorage(), locks: null, flushInterval: 60_000 });

describe("the window's page events (default lifecycle)", () => {
  it("pagehide sends what is pending with keepalive; visibilitychange to hidden does too", async () => {
    const keepalive: string[] = [];
    captureEvents();
    const schematic = new Schematic(KEY, {
      storage: memoryStorage(),
      locks: null,
      flushInterval: 60_000,
      fetch: (url, init) => {
        if (init.keepalive) keepalive.push((JSON.parse(String(init.body)) as { type: string }).type);
        return fetch(url, init);
      },
    });
    void schematic.track({ event: "a" });
    Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
    await settle(0);
    expect(keepalive).toEqual(["track"]);
    void schematic.identify({ keys: { id: "u" } });
    window.dispatchEvent(new Event("pagehide"));
    await settle(0);
    expect(keepalive).toEqual(["track", "identify"]);
    Object.defineProperty(document, "visibilityState", { value: "visible", configurable: true });
    schematic.close();
  });

  it("attempts nothing while navigator.onLine is false and resumes on the window's online event", async () => {
    const received = captureEvents();
    setOnline(false);
    const schematic = windowClient();
    void schematic.track({ event: "a" });
    await settle(60_000);
    expect(received).toHaveLength(0);
    setOnline(true);
    window.dispatchEvent(new Event("online"));
    await settle(0);
    expect(received).toHaveLength(1);
    schematic.close();
  });

  it("an event the app tracks in its own pagehide handler, after ours, is stored at once and sent with keepalive", async () => {
    let keepalive = 0;
    server.use(
      http.post(`${EVENTS}/e`, () => {
        keepalive++;
        return new HttpResponse(null, { status: 503 });
      }),
    );
    const storage = memoryStorage();
    const schematic = new Schematic(KEY, { storage, locks: null });
    schematic.mount(); // a live page (its provider or first call starts it)
    const onHide = () => void schematic.track({ event: "page-leave" });
    window.addEventListener("pagehide", onHide);
    window.dispatchEvent(new Event("pagehide"));
    window.removeEventListener("pagehide", onHide);
    const stored = Object.values(JSON.parse(storage.get("schematic:23456789:t")!) as Record<string, number>);
    expect(stored).toEqual([0]);
    const [id] = Object.keys(JSON.parse(storage.get("schematic:23456789:t")!));
    expect(storage.get(`schematic:23456789:q${id}`)).toContain("page-leave");
    await settle(0);
    expect(keepalive).toBe(1);
    schematic.close();
  });

  it("close() removes the window listeners", async () => {
    const received = captureEvents();
    const schematic = windowClient();
    void schematic.track({ event: "a" });
    schematic.close();
    window.dispatchEvent(new Event("pagehide"));
    window.dispatchEvent(new Event("online"));
    await settle(100_000);
    expect(received).toHaveLength(0);
  });
});
