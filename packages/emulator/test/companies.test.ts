import { describe, expect, it } from "vitest";
import { setup } from "./helpers";

describe("POST /companies", () => {
  it("creates a company and answers the WIRE.md record shape", async () => {
    const { call } = setup();
    const res = await call("POST", "/companies", {
      keys: { id: "c_1" },
      name: "Acme",
      traits: { seats: 5, plan: "pro" },
      last_seen_at: "2030-01-01T00:00:00.000Z",
    });
    expect(res.status).toBe(200);
    expect(res.json.params).toEqual({});
    const company = res.json.data;
    expect(company).toMatchObject({
      name: "Acme",
      environment_id: "env_emulator",
      user_count: 0,
      traits: { seats: 5, plan: "pro" },
      last_seen_at: "2030-01-01T00:00:00.000Z",
      entitlements: [],
      plans: [],
    });
    expect(company.id).toMatch(/^comp_/);
    expect(Date.parse(company.created_at)).not.toBeNaN();
    expect(company.keys).toEqual([
      {
        id: expect.stringMatching(/^ek_/),
        key: "id",
        value: "c_1",
        entity_type: "company",
        entity_id: company.id,
        definition_id: expect.any(String),
        environment_id: "env_emulator",
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
  });

  it("upserts by any matching key: keys and traits merge, the name updates", async () => {
    const { call, store } = setup();
    const first = await call("POST", "/companies", {
      keys: { id: "c_1" },
      name: "Acme",
      traits: { a: 1, b: 1 },
    });
    const second = await call("POST", "/companies", {
      keys: { stripe: "cus_1", id: "c_1" },
      name: "Acme Inc",
      traits: { b: 2, c: null },
    });
    expect(second.json.data.id).toBe(first.json.data.id);
    expect(second.json.data.name).toBe("Acme Inc");
    expect(second.json.data.traits).toEqual({ a: 1, b: 2, c: null });
    const third = await call("POST", "/companies", { keys: { stripe: "cus_1" } });
    expect(third.json.data.id).toBe(first.json.data.id);
    expect(third.json.data.name).toBe("Acme Inc");
    expect(store.companies()).toHaveLength(1);
    expect(store.findCompany({ stripe: "cus_1" })?.keys.map((k) => `${k.key}=${k.value}`)).toEqual([
      "id=c_1",
      "stripe=cus_1",
    ]);
  });

  it("replaces a key's value and re-indexes it", async () => {
    const { call, store } = setup();
    await call("POST", "/companies", { keys: { id: "c_1", email: "old@acme.test" } });
    await call("POST", "/companies", { keys: { id: "c_1", email: "new@acme.test" } });
    expect(store.findCompany({ email: "old@acme.test" })).toBeUndefined();
    expect(store.findCompany({ email: "new@acme.test" })?.keys).toHaveLength(2);
  });

  it("moves a key pair claimed by another company to the matched one", async () => {
    const { call, store } = setup();
    const a = await call("POST", "/companies", { keys: { id: "a" } });
    await call("POST", "/companies", { keys: { id: "b", domain: "shared.test" } });
    await call("POST", "/companies", { keys: { id: "a", domain: "shared.test" } });
    expect(store.findCompany({ domain: "shared.test" })?.id).toBe(a.json.data.id);
    expect(store.findCompany({ id: "b" })?.keys.map((k) => k.key)).toEqual(["id"]);
  });

  it("update_only does not create; remove_keys drops keys; id matches", async () => {
    const { call, store } = setup();
    const missing = await call("POST", "/companies", { keys: { id: "nope" }, update_only: true });
    expect(missing.status).toBe(404);
    expect(store.companies()).toHaveLength(0);
    const created = await call("POST", "/companies", { keys: { id: "c_1", old: "x" } });
    const updated = await call("POST", "/companies", {
      keys: { id: "c_1" },
      remove_keys: ["old"],
      update_only: true,
    });
    expect(updated.status).toBe(200);
    expect(updated.json.data.keys.map((k: { key: string }) => k.key)).toEqual(["id"]);
    expect(store.findCompany({ old: "x" })).toBeUndefined();
    const byId = await call("POST", "/companies", { id: created.json.data.id, keys: { other: "y" } });
    expect(byId.json.data.id).toBe(created.json.data.id);
  });

  it("GET /companies lists them in {data, params} with paging", async () => {
    const { call } = setup();
    for (const id of ["a", "b", "c"]) await call("POST", "/companies", { keys: { id } });
    const all = await call("GET", "/companies", undefined, { key: null });
    expect(all.status).toBe(200);
    expect(all.json.data.map((c: { keys: { value: string }[] }) => c.keys[0]?.value)).toEqual([
      "a",
      "b",
      "c",
    ]);
    expect(all.json.params).toMatchObject({ total: 3 });
    const page = await call("GET", "/companies?offset=1&limit=1");
    expect(page.json.data).toHaveLength(1);
    expect(page.json.data[0].keys[0].value).toBe("b");
    expect((await call("GET", "/companies?limit=-1")).status).toBe(400);
  });
});
