import { describe, expectTypeOf, it } from "vitest";
import {
  type CheckFlagOptions,
  type Company,
  type Context,
  DEFAULTS,
  type EventBufferStats,
  type RequestCallOptions,
  SchematicClient,
  type SchematicClientOptions,
  type ServerTrackInput,
  type UpsertCompanyInput,
  type UpsertUserInput,
  type User,
} from "../src/index";

describe("public types", () => {
  const schematic = new SchematicClient({ apiKey: "sch_dev_x" });

  it("options need an apiKey; everything else is optional", () => {
    expectTypeOf<SchematicClientOptions["apiKey"]>().toEqualTypeOf<string>();
    const minimal: SchematicClientOptions = { apiKey: "sch_dev_x" };
    // @ts-expect-error apiKey is required
    const none: SchematicClientOptions = { apiUrl: "http://127.0.0.1:8787" };
    // @ts-expect-error headers are strings
    const headers: SchematicClientOptions = { apiKey: "sch_dev_x", headers: { retries: 3 } };
    void minimal;
    void none;
    void headers;
  });

  it("defaults are read-only", () => {
    expectTypeOf(DEFAULTS.flushInterval).toEqualTypeOf<number>();
    // @ts-expect-error DEFAULTS is frozen
    DEFAULTS.flushInterval = 5;
  });

  it("upserts take typed inputs and return typed records", () => {
    expectTypeOf(schematic.upsertCompany({ keys: { id: "c" } })).toEqualTypeOf<Promise<Company>>();
    expectTypeOf(schematic.upsertUser({ keys: { id: "u" }, company: { id: "c" } })).toEqualTypeOf<
      Promise<User>
    >();
    expectTypeOf(schematic.upsertCompany).parameter(1).toEqualTypeOf<RequestCallOptions | undefined>();
    expectTypeOf<RequestCallOptions>().toEqualTypeOf<{ signal?: AbortSignal; timeout?: number }>();
    expectTypeOf<UpsertCompanyInput["lastSeenAt"]>().toEqualTypeOf<Date | string | undefined>();
    expectTypeOf<Company["keys"]>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<Company["createdAt"]>().toEqualTypeOf<Date>();
    expectTypeOf<User["companyIds"]>().toEqualTypeOf<string[]>();
  });

  it("bad inputs do not type-check", () => {
    // @ts-expect-error key values are strings: pass String(42)
    void schematic.upsertCompany({ keys: { id: 42 } });
    // @ts-expect-error keys are required
    void schematic.upsertCompany({ name: "Acme" });
    // @ts-expect-error nested objects are not traits
    void schematic.upsertCompany({ keys: { id: "c" }, traits: { plan: { tier: 1 } } });
    // @ts-expect-error a user's company is a key map, not { keys }
    const user: UpsertUserInput = { keys: { id: "u" }, company: { keys: { id: "c" } } };
    void user;
  });

  it("identify and track are fire-and-forget (answering whether there is room); track takes an idempotency key", () => {
    expectTypeOf(
      schematic.identify({ keys: { id: "u" }, company: { keys: { id: "c" } } }),
    ).toEqualTypeOf<boolean>();
    expectTypeOf(schematic.track({ event: "query", idempotencyKey: "k-1" })).toEqualTypeOf<boolean>();
    expectTypeOf(schematic.drained()).toEqualTypeOf<Promise<void>>();
    expectTypeOf<ServerTrackInput["idempotencyKey"]>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error an event name is required
    schematic.track({ quantity: 1 });
    // @ts-expect-error quantity is a number
    schematic.track({ event: "e", quantity: "2" });
  });

  it("flags are booleans over a context of key maps", () => {
    expectTypeOf(schematic.checkFlag("f", { company: { id: "c" } }, { fallback: true })).toEqualTypeOf<
      Promise<boolean>
    >();
    expectTypeOf(schematic.checkFlag).parameter(1).toEqualTypeOf<Context | undefined>();
    expectTypeOf<CheckFlagOptions["fallback"]>().toEqualTypeOf<boolean | undefined>();
    // @ts-expect-error the fallback is a boolean
    void schematic.checkFlag("f", {}, { fallback: "on" });
  });

  it("flush and close take a timeout and resolve with what is pending; stats are read-only numbers", () => {
    expectTypeOf(schematic.flush({ timeout: 100 })).toEqualTypeOf<Promise<{ pending: number }>>();
    expectTypeOf(schematic.close()).toEqualTypeOf<Promise<{ pending: number }>>();
    expectTypeOf(schematic.stats).toEqualTypeOf<Readonly<EventBufferStats>>();
    expectTypeOf<EventBufferStats>().toEqualTypeOf<{
      pending: number;
      pendingBytes: number;
      delivered: number;
      dropped: number;
      droppedBy: { overflow: number; refused: number; retries: number; offline: number };
      requests: number;
    }>();
  });
});
