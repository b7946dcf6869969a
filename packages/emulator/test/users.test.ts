import { describe, expect, it } from "vitest";
import { setup } from "./helpers";

describe("POST /users", () => {
  it("creates the user, the company it names, and the membership", async () => {
    const { call, store } = setup();
    const res = await call("POST", "/users", {
      keys: { id: "u_1", email: "ann@example.com" },
      company: { id: "c_1" },
      name: "Ann",
      traits: { role: "admin" },
    });
    expect(res.status).toBe(200);
    const user = res.json.data;
    expect(user.id).toMatch(/^user_/);
    expect(user).toMatchObject({ name: "Ann", traits: { role: "admin" }, environment_id: "env_emulator" });
    expect(user.keys.map((k: { key: string; entity_type: string }) => [k.key, k.entity_type])).toEqual([
      ["id", "user"],
      ["email", "user"],
    ]);
    const company = store.findCompany({ id: "c_1" });
    expect(company?.user_count).toBe(1);
    expect(user.company_memberships).toEqual([
      {
        id: expect.stringMatching(/^cmem_/),
        company_id: company?.id,
        user_id: user.id,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);
  });

  it("links to several companies once each, and merges like companies do", async () => {
    const { call, store } = setup();
    await call("POST", "/companies", { keys: { id: "c_1" }, name: "One" });
    await call("POST", "/users", {
      keys: { id: "u_1" },
      companies: [{ id: "c_1" }, { id: "c_2" }],
      traits: { a: 1 },
    });
    const again = await call("POST", "/users", {
      keys: { id: "u_1" },
      company: { id: "c_1" },
      traits: { b: 2 },
    });
    expect(again.json.data.company_memberships).toHaveLength(2);
    expect(again.json.data.traits).toEqual({ a: 1, b: 2 });
    expect(store.findCompany({ id: "c_1" })).toMatchObject({ name: "One", user_count: 1 });
    expect(store.findCompany({ id: "c_2" })?.user_count).toBe(1);
    expect(store.users()).toHaveLength(1);
  });

  it("company_ids must name existing companies; update_only does not create", async () => {
    const { call, store } = setup();
    expect((await call("POST", "/users", { keys: { id: "u_1" }, company_ids: ["comp_nope"] })).status).toBe(
      404,
    );
    expect((await call("POST", "/users", { keys: { id: "u_1" }, update_only: true })).status).toBe(404);
    expect(store.users()).toHaveLength(0);
    const company = await call("POST", "/companies", { keys: { id: "c_1" } });
    const user = await call("POST", "/users", { keys: { id: "u_1" }, company_id: company.json.data.id });
    expect(user.json.data.company_memberships[0].company_id).toBe(company.json.data.id);
  });

  it("GET /users lists users", async () => {
    const { call } = setup();
    await call("POST", "/users", { keys: { id: "u_1" } });
    const res = await call("GET", "/users");
    expect(res.json.data).toHaveLength(1);
    expect(res.json.params.total).toBe(1);
  });

  it("the store can be seeded with wire-shaped bodies and read back", () => {
    const { store } = setup({
      seed: {
        companies: [{ keys: { id: "c_1" }, name: "Acme" }],
        users: [{ keys: { id: "u_1" }, company: { id: "c_1" } }],
      },
    });
    expect(store.findCompany({ id: "c_1" })).toMatchObject({ name: "Acme", user_count: 1 });
    expect(store.findUser({ id: "u_1" })?.company_memberships).toHaveLength(1);
    expect(() => store.seed({ companies: [{ keys: { id: 1 } }] })).toThrow(
      /keys\.id must be a non-empty string/,
    );
  });
});
