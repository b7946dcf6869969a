import { describe, expectTypeOf, it } from "vitest";
import {
  type Bootstrap,
  type Context,
  type DeliveryResult,
  type DroppedEvent,
  type FlagCheck,
  type Plan,
  Schematic,
  type SchematicOptions,
  type SchematicSnapshot,
} from "../src/index";

describe("public types", () => {
  const schematic = new Schematic("api_x");

  it("identify and track settle with a DeliveryResult", () => {
    expectTypeOf(schematic.identify({ keys: { id: "u" } })).toEqualTypeOf<Promise<DeliveryResult>>();
    expectTypeOf(schematic.track({ event: "e" })).toEqualTypeOf<Promise<DeliveryResult>>();
    expectTypeOf<DeliveryResult["status"]>().toEqualTypeOf<
      "delivered" | "deduplicated" | "dropped" | "persisted"
    >();
    // @ts-expect-error keys are strings
    void schematic.identify({ keys: { id: 1 } });
    // @ts-expect-error an event name is required
    void schematic.track({ quantity: 1 });
  });

  it("flags are booleans", () => {
    expectTypeOf(schematic.checkFlag("f", { fallback: true })).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(schematic.getFlag("f")).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(schematic.checkFlags()).resolves.toEqualTypeOf<Readonly<Record<string, boolean>>>();
  });

  it("entitlements are flag checks, the plan is a Plan", () => {
    expectTypeOf(schematic.checkEntitlement("f", { fallback: false })).resolves.toEqualTypeOf<FlagCheck>();
    expectTypeOf(schematic.getFlagCheck("f")).toEqualTypeOf<Readonly<FlagCheck> | undefined>();
    expectTypeOf(schematic.getPlan()).toEqualTypeOf<Readonly<Plan> | undefined>();
    expectTypeOf<SchematicSnapshot["checks"]>().toEqualTypeOf<
      Readonly<Record<string, Readonly<FlagCheck>>>
    >();
  });

  it("the store is what useSyncExternalStore takes", () => {
    expectTypeOf(schematic.subscribe).toEqualTypeOf<(listener: () => void) => () => void>();
    expectTypeOf(schematic.getSnapshot()).toEqualTypeOf<SchematicSnapshot>();
    expectTypeOf(schematic.getServerSnapshot()).toEqualTypeOf<SchematicSnapshot>();
    expectTypeOf<SchematicSnapshot["queue"]>().toEqualTypeOf<{
      readonly pending: number;
      readonly delivered: number;
      readonly dropped: number;
    }>();
    const snapshot = schematic.getSnapshot();
    // @ts-expect-error snapshots are read-only
    snapshot.isReady = true;
  });

  it("options", () => {
    expectTypeOf<SchematicOptions["transport"]>().toEqualTypeOf<"event" | "batch" | undefined>();
    expectTypeOf<SchematicOptions["bootstrap"]>().toEqualTypeOf<Bootstrap | undefined>();
    expectTypeOf<Bootstrap>().toEqualTypeOf<{
      context?: Context;
      flags?: Record<string, boolean>;
      checks?: Record<string, FlagCheck>;
      plan?: Plan;
    }>();
    expectTypeOf<NonNullable<SchematicOptions["onDrop"]>>().parameter(0).toEqualTypeOf<DroppedEvent>();
  });
});
