import { SchematicClient } from "@schematichq/schematic-typescript-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/node";

// The official server SDK, pointed at the emulator, must be able to upsert and read back.
let server: RunningEmulator;
let client: SchematicClient;

beforeAll(async () => {
  server = await startEmulator({ port: 0 });
  client = new SchematicClient({
    apiKey: "sch_dev_compat",
    basePath: server.url,
    eventCaptureBaseURL: server.url,
    logLevel: "error",
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

describe("@schematichq/schematic-typescript-node against the emulator", () => {
  it("companies.upsertCompany creates and returns the company", async () => {
    const res = await client.companies.upsertCompany({
      keys: { id: "acme" },
      name: "Acme",
      traits: { seats: 5, plan: "pro" },
    });
    expect(res.data.id).toMatch(/^comp_/);
    expect(res.data.name).toBe("Acme");
    expect(res.data.traits).toEqual({ seats: 5, plan: "pro" });
    expect(res.data.keys.map((k) => [k.key, k.value, k.entityType])).toEqual([["id", "acme", "company"]]);
    expect(res.data.createdAt).toBeInstanceOf(Date);
    expect(res.data.userCount).toBe(0);
  });

  it("companies.upsertUser creates the user and its membership", async () => {
    const res = await client.companies.upsertUser({
      keys: { id: "ann", email: "ann@example.com" },
      company: { id: "acme" },
      name: "Ann",
      traits: { role: "admin" },
    });
    expect(res.data.id).toMatch(/^user_/);
    expect(res.data.name).toBe("Ann");
    expect(res.data.companyMemberships).toHaveLength(1);
    const company = server.emulator.store.findCompany({ id: "acme" });
    expect(res.data.companyMemberships[0]?.companyId).toBe(company?.id);
    expect(company?.user_count).toBe(1);
  });

  it("a second upsertCompany merges into the same record", async () => {
    const again = await client.companies.upsertCompany({ keys: { id: "acme" }, traits: { seats: 6 } });
    expect(again.data.traits).toEqual({ seats: 6, plan: "pro" });
    expect(again.data.userCount).toBe(1);
    expect(server.emulator.store.companies()).toHaveLength(1);
  });
});
