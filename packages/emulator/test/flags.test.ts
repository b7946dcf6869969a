import { describe, expect, it } from "vitest";
import { type FlagsConfig, parseFlagsConfig } from "../src/index";
import { PUBLISHABLE, setup } from "./helpers";

const flags: FlagsConfig = {
  flags: {
    "new-dashboard": {
      default: false,
      companies: { "id:vip": true },
      users: { "email:beta@example.com": true, "id:blocked": false },
      traits: [
        { trait: "plan", value: "pro", result: true },
        { trait: "role", value: "admin", result: true, entity: "user" },
      ],
    },
    "dark-mode": true,
  },
};

describe("flag checks", () => {
  const check = async (flag: string, body: unknown, emulator = setup({ flags })) => {
    const res = await emulator.call("POST", `/flags/${encodeURIComponent(flag)}/check`, body, {
      key: PUBLISHABLE,
    });
    expect(res.status).toBe(200);
    expect(res.json.params).toEqual({});
    return res.json.data;
  };

  it("answers the default when no rule matches, in the WIRE.md shape", async () => {
    const data = await check("new-dashboard", { company: { id: "c_1" }, user: { id: "u_1" } });
    expect(data).toMatchObject({
      flag: "new-dashboard",
      value: false,
      reason: expect.stringMatching(/default/),
      rule_type: "default",
      company_id: null,
      user_id: null,
    });
    expect(data.flag_id).toMatch(/^flag_/);
    expect(data.rule_id).toMatch(/^rule_/);
    expect(await check("dark-mode", {})).toMatchObject({ value: true });
  });

  it("company key overrides match any of the given keys", async () => {
    const data = await check("new-dashboard", { company: { other: "x", id: "vip" } });
    expect(data).toMatchObject({
      value: true,
      rule_type: "company_override",
      reason: "Matched company override id:vip",
    });
  });

  it("user overrides come first", async () => {
    expect(await check("new-dashboard", { company: { id: "vip" }, user: { id: "blocked" } })).toMatchObject({
      value: false,
    });
    expect(await check("new-dashboard", { user: { email: "beta@example.com" } })).toMatchObject({
      value: true,
    });
  });

  it("trait rules use the stored company's (or user's) traits and report their ids", async () => {
    const emulator = setup({ flags });
    await emulator.call("POST", "/users", {
      keys: { id: "u_1" },
      traits: { role: "admin" },
    });
    const company = await emulator.call("POST", "/companies", {
      keys: { id: "c_1" },
      traits: { plan: "pro" },
    });
    const data = await check("new-dashboard", { company: { id: "c_1" } }, emulator);
    expect(data).toMatchObject({
      value: true,
      company_id: company.json.data.id,
      reason: 'Matched trait rule company.plan = "pro"',
    });
    await emulator.call("POST", "/companies", { keys: { id: "c_1" }, traits: { plan: "free" } });
    expect(await check("new-dashboard", { company: { id: "c_1" } }, emulator)).toMatchObject({
      value: false,
    });
    const byUser = await check("new-dashboard", { user: { id: "u_1" } }, emulator);
    expect(byUser).toMatchObject({ value: true, user_id: expect.stringMatching(/^user_/) });
  });

  it("an unknown flag answers false with a reason", async () => {
    expect(await check("nope", {})).toMatchObject({
      flag: "nope",
      value: false,
      reason: "Flag not found",
      flag_id: null,
    });
    expect(await check("constructor", {})).toMatchObject({ value: false, reason: "Flag not found" });
  });

  it("decodes URL-encoded keys and accepts an empty body", async () => {
    const emulator = setup({ flags: { flags: { "a b/c": true } } });
    const res = await emulator.call("POST", "/flags/a%20b%2Fc/check", undefined, { key: PUBLISHABLE });
    expect(res.json.data).toMatchObject({ flag: "a b/c", value: true });
    expect((await emulator.call("POST", "/flags/%E0%A4%A/check", {})).status).toBe(400);
  });

  it("POST /flags/check answers every flag", async () => {
    const emulator = setup({ flags });
    const res = await emulator.call("POST", "/flags/check", { company: { id: "vip" } });
    expect(res.json.data.flags.map((f: { flag: string; value: boolean }) => [f.flag, f.value])).toEqual([
      ["new-dashboard", true],
      ["dark-mode", true],
    ]);
    expect(res.json.data.plan).toBeNull();
  });

  it("flags can be replaced at run time", async () => {
    const emulator = setup();
    expect(await check("late", {}, emulator)).toMatchObject({ value: false });
    emulator.store.setFlags({ flags: { late: true } });
    expect(await check("late", {}, emulator)).toMatchObject({ value: true });
  });
});

describe("parseFlagsConfig", () => {
  it.each([
    [null, /must be \{"flags"/],
    [{ flags: [] }, /must be \{"flags"/],
    [{ flags: { f: "yes" } }, /flags\["f"\] must be a boolean or an object/],
    [{ flags: { f: { default: 1 } } }, /flags\["f"\]\.default/],
    [{ flags: { f: { companies: { vip: true } } } }, /"keyName:value"/],
    [{ flags: { f: { companies: { "id:x": "on" } } } }, /must be true or false/],
    [{ flags: { f: { traits: {} } } }, /traits must be an array/],
    [{ flags: { f: { traits: [{ trait: "plan", value: {}, result: true }] } } }, /traits\[0\]\.value/],
    [{ flags: { f: { traits: [{ trait: "plan", value: "x", result: true, entity: "team" }] } } }, /entity/],
  ])("refuses %j", (input, message) => {
    expect(() => parseFlagsConfig(input)).toThrow(message);
  });

  it("accepts the documented format", () => {
    expect(parseFlagsConfig(flags)).toEqual(flags);
  });
});
