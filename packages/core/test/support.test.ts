import { afterEach, describe, expect, it, vi } from "vitest";
import {
  canonicalJson,
  createLogger,
  isPublishableKey,
  isSchematicError,
  isSchematicValidationError,
  isSecretKey,
  jsonEqual,
  maskKey,
  memoryStorage,
  SchematicApiError,
  SchematicConfigError,
  SchematicError,
  SchematicValidationError,
  sleep,
  webStorage,
} from "../src/index";

afterEach(() => vi.useRealTimers());

describe("keys", () => {
  it("tells secret from publishable keys", () => {
    expect(isSecretKey("sch_dev_abc")).toBe(true);
    expect(isSecretKey("api_abc")).toBe(false);
    expect(isPublishableKey("api_abc")).toBe(true);
    expect(isPublishableKey("sch_dev_abc")).toBe(false);
    expect(isPublishableKey("api_")).toBe(false);
    expect(isSecretKey(undefined)).toBe(false);
  });
  it("masks all but the kind and the last four characters", () => {
    expect(maskKey("api_pub_1234567891a2b")).toBe("api_…1a2b");
    expect(maskKey("sch_dev_0000ffff")).toBe("sch_…ffff");
    expect(maskKey("short")).toBe("…");
  });
});

describe("createLogger", () => {
  it("never prints the key whole, in strings or error messages", () => {
    const sink = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const key = "sch_dev_supersecret9z9z";
    const log = createLogger({ logger: sink, apiKey: key, level: "debug" });
    log.debug(`sending with ${key}`);
    log.error(new Error(`bad key ${key}`));
    expect(sink.debug).toHaveBeenCalledWith("[schematic]", "sending with sch_…9z9z");
    const printed = sink.error.mock.calls[0]![1] as Error;
    expect(printed.message).toBe("bad key sch_…9z9z");
    expect(JSON.stringify(sink.debug.mock.calls)).not.toContain(key);
  });
  it("drops messages below the level (warn by default)", () => {
    const sink = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const log = createLogger({ logger: sink });
    log.debug("x");
    log.info("x");
    log.warn("w");
    expect(sink.debug).not.toHaveBeenCalled();
    expect(sink.info).not.toHaveBeenCalled();
    expect(sink.warn).toHaveBeenCalledWith("[schematic]", "w");
  });
  it("a logger that throws never breaks the call that logs", () => {
    const boom = () => {
      throw new Error("logger down");
    };
    const log = createLogger({
      logger: { debug: boom, info: boom, warn: boom, error: boom },
      level: "debug",
    });
    expect(() => {
      log.debug("x");
      log.warn("y");
      log.error(new Error("z"));
    }).not.toThrow();
  });
});

describe("storage", () => {
  it("memoryStorage round-trips", () => {
    const s = memoryStorage();
    s.set("a", "1");
    expect(s.get("a")).toBe("1");
    s.remove("a");
    expect(s.get("a")).toBeNull();
  });

  it("webStorage does not touch the store until first use", () => {
    const getStore = vi.fn(() => undefined);
    const s = webStorage(getStore);
    expect(getStore).not.toHaveBeenCalled();
    s.set("a", "1");
    expect(getStore).toHaveBeenCalledTimes(1);
    expect(s.get("a")).toBe("1");
  });

  it("falls back to memory, keeping what it had read, when the store starts throwing", () => {
    const map = new Map<string, string>([["ctx", "saved"]]);
    let full = false;
    const store = {
      getItem: (k: string) => map.get(k) ?? null,
      setItem: (k: string, v: string) => {
        if (full) throw new DOMException("quota", "QuotaExceededError");
        map.set(k, v);
      },
      removeItem: (k: string) => void map.delete(k),
    };
    const s = webStorage(() => store);
    expect(s.get("ctx")).toBe("saved");
    s.set("queue", "[1]");
    full = true;
    expect(() => s.set("queue", "[1,2]")).not.toThrow();
    expect(s.get("queue")).toBe("[1,2]");
    expect(s.get("ctx")).toBe("saved");
  });

  it("works when reaching the store itself throws (Safari private mode, sandboxed frames)", () => {
    const s = webStorage(() => {
      throw new DOMException("denied", "SecurityError");
    });
    expect(s.get("x")).toBeNull();
    s.set("x", "1");
    expect(s.get("x")).toBe("1");
    s.remove("x");
    expect(s.get("x")).toBeNull();
  });
});

describe("canonicalJson", () => {
  it("does not depend on key order and leaves undefined out", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      canonicalJson({ a: { d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });
});

describe("jsonEqual", () => {
  it("compares content, not identity or key order", () => {
    expect(jsonEqual({ a: 1, b: { c: [1, "x", null] } }, { b: { c: [1, "x", null] }, a: 1 })).toBe(true);
    expect(jsonEqual({ keys: { id: "u_1" } }, { keys: { id: "u_2" } })).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEqual({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(jsonEqual({ a: "1" }, { a: 1 })).toBe(false);
    expect(jsonEqual(undefined, { a: 1 })).toBe(false);
    expect(jsonEqual(null, null)).toBe(true);
  });
});

describe("errors", () => {
  it("subclasses set their name, keep cause and are recognised by guards", () => {
    const cause = new Error("root");
    const config = new SchematicConfigError("bad", { cause });
    expect(config.name).toBe("SchematicConfigError");
    expect(config.cause).toBe(cause);
    expect(config).toBeInstanceOf(SchematicError);
    expect(isSchematicError(config)).toBe(true);
    expect(isSchematicValidationError(config)).toBe(false);
    expect(isSchematicError(new Error("x"))).toBe(false);
    expect(isSchematicError(null)).toBe(false);
  });

  it("guards work across realms (a copy from another bundle)", () => {
    const foreign = Object.assign(new Error("x"), { name: "SchematicValidationError" });
    Object.defineProperty(foreign, Symbol.for("schematic-sdk.error"), { value: true });
    expect(isSchematicValidationError(foreign)).toBe(true);
    expect(new SchematicValidationError([]).name).toBe("SchematicValidationError");
    expect(new SchematicApiError({ status: 500, body: null, method: "GET", url: "/x" }).message).toBe(
      "GET /x failed with 500",
    );
  });
});

describe("sleep", () => {
  it("resolves after the delay and rejects on abort", async () => {
    vi.useFakeTimers();
    let done = false;
    const p = sleep(1000).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    const controller = new AbortController();
    const q = sleep(1000, { signal: controller.signal });
    controller.abort("why");
    await expect(q).rejects.toBe("why");
  });
});
