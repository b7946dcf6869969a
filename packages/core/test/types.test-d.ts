import { describe, expectTypeOf, it } from "vitest";
import type { CompanyInput, Context, IdentifyInput, Keys, TrackInput, Traits } from "../src/index";

describe("public input types", () => {
  it("key values are strings: a number does not type-check", () => {
    // @ts-expect-error a number is not a key value; pass String(42)
    const bad: Keys = { id: 42 };
    expectTypeOf<Keys>().toEqualTypeOf<Record<string, string>>();
    void bad;
  });

  it("trait values are scalars", () => {
    const ok: Traits = { plan: "pro", seats: 5, active: true, manager: null };
    // @ts-expect-error nested objects are not traits
    const nested: Traits = { plan: { tier: 1 } };
    // @ts-expect-error arrays are not traits
    const list: Traits = { tags: ["a"] };
    void ok;
    void nested;
    void list;
  });

  it("identify puts the user at the top level and a company beneath", () => {
    const input: IdentifyInput = { keys: { id: "u" }, company: { keys: { id: "c" }, name: "Acme" } };
    expectTypeOf(input.company).toEqualTypeOf<CompanyInput | undefined>();
    // @ts-expect-error keys are required
    const noKeys: IdentifyInput = { name: "Ann" };
    void noKeys;
  });

  it("track needs an event; context sides are key maps", () => {
    // @ts-expect-error event is required
    const noEvent: TrackInput = { quantity: 1 };
    const ctx: Context = { company: { id: "c" } };
    // @ts-expect-error context sides are key maps, not { keys }
    const wrong: Context = { company: { keys: { id: "c" } } };
    void noEvent;
    void ctx;
    void wrong;
  });
});
