/**
 * The official browser SDK (`@schematichq/schematic-js`, `useWebSocket: true`)
 * gets its values from the emulator over WebSocket and sees a plan change
 * live. Node has no global WebSocket before 22: `ws` stands in for it.
 */
import { Schematic } from "@schematichq/schematic-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Catalog } from "../src/index";
import { SECRET } from "./helpers";
import { useServers } from "./servers";

const catalog: Catalog = {
  features: { exports: { type: "boolean" } },
  plans: { free: { name: "Free" }, pro: { name: "Pro", entitlements: { exports: true } } },
  defaultPlan: "free",
};

const servers = useServers("schematic-emulator-official-");
const globals = globalThis as { WebSocket?: unknown };
const original = globals.WebSocket;
beforeAll(() => {
  globals.WebSocket = WebSocket;
});
afterAll(() => {
  globals.WebSocket = original;
});

describe("the official browser SDK over WebSocket", () => {
  it("reads its flags from the emulator and sees a plan change without asking again", async () => {
    const { url } = await servers.start({ catalog });
    await fetch(`${url}/companies`, {
      method: "POST",
      headers: { "x-schematic-api-key": SECRET },
      body: JSON.stringify({ keys: { id: "acme" } }),
    });
    const schematic = new Schematic("api_pub_official", {
      apiUrl: url,
      eventUrl: url,
      webSocketUrl: url.replace("http", "ws"),
      useWebSocket: true,
    });
    try {
      await schematic.setContext({ company: { id: "acme" } });
      expect(schematic.getFlagValue("exports")).toBe(false);
      const seen = new Promise<boolean>((resolve) => schematic.addFlagValueListener("exports", resolve));
      await fetch(`${url}/admin/companies/id:acme/plan`, {
        method: "PUT",
        headers: { "x-schematic-api-key": SECRET },
        body: JSON.stringify({ plan: "pro" }),
      });
      expect(await seen).toBe(true);
      expect(schematic.getFlagValue("exports")).toBe(true);
    } finally {
      await schematic.cleanup();
    }
  });
});
