/**
 * Property tests with fast-check.
 *
 * - core's validators, on arbitrary values and on near-valid inputs: they
 *   throw nothing but `SchematicValidationError` (with issues), and what they
 *   accept is plain JSON data that validates again to itself;
 * - the emulator's routes through `createEmulator().fetch`, on arbitrary
 *   bodies and near-valid ones: 2xx or 4xx JSON (4xx with an `error` string),
 *   never 5xx, never a crash, and a refused request changes no state.
 *
 * Runs are bounded so the file takes seconds. Locally every run draws a new
 * seed (a failure prints it; `FUZZ_SEED=<seed>` replays it); under CI the seed
 * is fixed, so a red CI is always reproducible and never a coin toss.
 */
import {
  canonicalJson,
  isSchematicValidationError,
  SchematicValidationError,
  validateCompany,
  validateContext,
  validateFlagKey,
  validateIdentify,
  validateTrack,
  validateUpsertCompany,
  validateUpsertUser,
} from "@schematic-sdk/core";
import { createEmulator, type Emulator } from "@schematic-sdk/emulator";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const RUNS = 500;

const seed = process.env.FUZZ_SEED ?? (process.env.CI ? "20261129" : undefined);
if (seed !== undefined) fc.configureGlobal({ seed: Number(seed) });

// ---- arbitraries shared by both halves ----

const wildNameArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom("__proto__", "constructor", "prototype", "", "k".repeat(256)),
  fc.string({ unit: "binary", maxLength: 8 }),
);
const nameArb = fc.oneof(
  { weight: 9, arbitrary: fc.constantFrom("id", "email", "stripe_id", "crm", "plan", "seats", "toString") },
  { weight: 1, arbitrary: wildNameArb },
);
const wildValueArb = fc.oneof(
  fc.constantFrom("", "v".repeat(255), "v".repeat(256)),
  fc.oneof(
    fc.integer(),
    fc.constant(null),
    fc.boolean(),
    fc.string().map((s) => [s]),
  ),
);
/** Mostly valid key maps (so the accepting path is exercised), sometimes anything a key map should not be. */
const keysArb = fc.oneof(
  {
    weight: 9,
    arbitrary: fc.dictionary(
      fc.constantFrom("id", "email", "stripe_id", "crm"),
      fc.string({ minLength: 1, maxLength: 6 }),
      {
        minKeys: 1,
        maxKeys: 3,
      },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.dictionary(nameArb, fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), wildValueArb), {
        maxKeys: 22,
      }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
);
const traitValueArb = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.oneof(fc.string({ maxLength: 20 }), fc.double(), fc.boolean(), fc.constant(null)),
  },
  { weight: 1, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((n) => "x".repeat(n)) },
);
const traitsArb = fc.dictionary(nameArb, traitValueArb, { maxKeys: 6 });
const textArb = fc.oneof(
  { weight: 9, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.oneof(fc.constantFrom("", "n".repeat(255), "n".repeat(256)), fc.jsonValue({ maxDepth: 1 })),
  },
);
const timeArb = fc.oneof(
  { weight: 9, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 10 }), fc.date({ noInvalidDate: false })) },
);

// ---- validators ----

const companyInputArb = fc.record(
  { keys: keysArb, name: textArb, traits: traitsArb },
  { requiredKeys: ["keys"] },
);

/** Plain JSON data only: strings, finite numbers, booleans, null, arrays and plain objects. */
function isJsonData(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonData);
  if (typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as object).every(isJsonData);
}

/** The validator's contract on one input. */
function checkValidator(validate: (input: unknown) => unknown, input: unknown): void {
  let accepted: unknown;
  try {
    accepted = validate(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SchematicValidationError);
    expect(isSchematicValidationError(error)).toBe(true);
    const issues = (error as SchematicValidationError).issues;
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) {
      expect(typeof issue.path).toBe("string");
      expect(issue.message.length).toBeGreaterThan(0);
      if (issue.path) expect((error as Error).message).toContain(issue.path);
    }
    return;
  }
  expect(isJsonData(accepted)).toBe(true);
  const json = JSON.stringify(accepted);
  expect(canonicalJson(JSON.parse(json))).toBe(canonicalJson(accepted));
  // Accepted values validate again, from the value and from its JSON, to the same thing.
  expect(canonicalJson(validate(accepted))).toBe(canonicalJson(accepted));
  expect(canonicalJson(validate(JSON.parse(json)))).toBe(canonicalJson(accepted));
}

const anythingArb = fc.anything({
  maxDepth: 3,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

const validators: Array<[string, (input: unknown) => unknown, fc.Arbitrary<unknown>]> = [
  [
    "validateIdentify",
    validateIdentify,
    fc.record(
      { keys: keysArb, name: textArb, traits: traitsArb, company: fc.oneof(companyInputArb, anythingArb) },
      { requiredKeys: [] },
    ),
  ],
  [
    "validateTrack",
    validateTrack,
    fc.record(
      {
        event: textArb,
        traits: traitsArb,
        quantity: fc.oneof(fc.double(), fc.nat(), fc.string({ maxLength: 3 })),
        company: keysArb,
        user: keysArb,
      },
      { requiredKeys: [] },
    ),
  ],
  [
    "validateContext",
    validateContext,
    fc.record({ company: fc.oneof(keysArb, fc.constant(null)), user: keysArb }, { requiredKeys: [] }),
  ],
  ["validateCompany", validateCompany, companyInputArb],
  [
    "validateUpsertCompany",
    validateUpsertCompany,
    fc.record(
      {
        keys: keysArb,
        name: textArb,
        traits: traitsArb,
        lastSeenAt: timeArb,
        updateOnly: fc.jsonValue({ maxDepth: 0 }),
      },
      { requiredKeys: [] },
    ),
  ],
  [
    "validateUpsertUser",
    validateUpsertUser,
    fc.record(
      {
        keys: keysArb,
        name: textArb,
        traits: traitsArb,
        company: keysArb,
        companies: fc.oneof(
          { weight: 9, arbitrary: fc.array(keysArb, { maxLength: 3 }) },
          { weight: 1, arbitrary: anythingArb },
        ),
        lastSeenAt: timeArb,
        updateOnly: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
  ],
  [
    "validateFlagKey",
    validateFlagKey,
    fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: "binary" })),
  ],
];

describe("fuzz: core validators", () => {
  for (const [name, validate, nearValid] of validators) {
    it(`${name}: arbitrary values and near-valid inputs`, () => {
      let accepted = 0;
      fc.assert(
        fc.property(
          fc.oneof(anythingArb, fc.jsonValue(), fc.string({ unit: "binary" }), nearValid),
          (input) => {
            const before = canonicalJsonSafe(input);
            checkValidator(validate, input);
            // Validation never changes its input.
            expect(canonicalJsonSafe(input)).toBe(before);
          },
        ),
        { numRuns: RUNS },
      );
      // The near-valid arbitrary must reach the accepting path too, or the property proves little.
      fc.assert(
        fc.property(nearValid, (input) => {
          try {
            validate(input);
            accepted++;
          } catch {
            // counted above
          }
        }),
        { numRuns: 200 },
      );
      expect(accepted).toBeGreaterThan(0);
    });
  }
});

function canonicalJsonSafe(value: unknown): string {
  try {
    return canonicalJson(value);
  } catch {
    return "(unserialisable)";
  }
}

// ---- emulator routes ----

const SECRET = "sch_dev_fuzz";
const PUBLISHABLE = "api_pub_fuzz";
/** The `X-Schematic-Api-Key` header: mostly the kind the route takes, sometimes the wrong kind, garbage or none. */
const keyHeaderArb = (right: string) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant(right) },
    { weight: 1, arbitrary: fc.constantFrom(SECRET, PUBLISHABLE) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.constantFrom("", "sch_", "api_", "nope"), fc.string({ maxLength: 10 })),
    },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
const wireEntityArb = fc.record(
  { keys: keysArb, name: textArb, traits: fc.oneof(traitsArb, fc.constant(null)) },
  { requiredKeys: ["keys"] },
);
const wireCompanyUpsertArb = fc.record(
  {
    keys: keysArb,
    name: textArb,
    traits: traitsArb,
    id: textArb,
    last_seen_at: timeArb,
    update_only: fc.oneof(
      { weight: 9, arbitrary: fc.constant(false) },
      fc.boolean(),
      fc.jsonValue({ maxDepth: 0 }),
    ),
    remove_keys: fc.oneof(
      { weight: 9, arbitrary: fc.array(nameArb, { maxLength: 3 }) },
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: ["keys"] },
);
const wireUserUpsertArb = fc.record(
  {
    keys: keysArb,
    name: textArb,
    traits: traitsArb,
    company: keysArb,
    companies: fc.oneof(fc.array(keysArb, { maxLength: 3 }), fc.jsonValue({ maxDepth: 1 })),
    company_id: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom("comp_unknown", ""), fc.jsonValue({ maxDepth: 0 })) },
    ),
    company_ids: fc.oneof(
      { weight: 4, arbitrary: fc.constant([]) },
      {
        weight: 1,
        arbitrary: fc.oneof(fc.array(fc.string({ maxLength: 8 }), { maxLength: 2 }), fc.jsonValue()),
      },
    ),
    update_only: fc.boolean(),
    last_seen_at: timeArb,
  },
  { requiredKeys: ["keys"] },
);
const wireEventArb = fc.record(
  {
    api_key: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(PUBLISHABLE, SECRET) },
      fc.jsonValue({ maxDepth: 0 }),
    ),
    type: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom("identify", "track", "flag_check") },
      fc.jsonValue({ maxDepth: 0 }),
    ),
    body: fc.oneof(
      fc.record(
        {
          keys: keysArb,
          name: textArb,
          traits: traitsArb,
          company: fc.oneof({ weight: 9, arbitrary: wireEntityArb }, fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      fc.record(
        {
          event: textArb,
          company: keysArb,
          user: keysArb,
          traits: traitsArb,
          quantity: fc.oneof({ weight: 9, arbitrary: fc.nat() }, fc.double(), fc.jsonValue({ maxDepth: 0 })),
        },
        { requiredKeys: ["event"] },
      ),
      fc.jsonValue(),
    ),
    sent_at: timeArb,
    tracker_event_id: fc.oneof(
      { weight: 4, arbitrary: fc.uuid() },
      fc.constantFrom("evt-1", "evt-2", "evt-3"),
      fc.jsonValue({ maxDepth: 0 }),
    ),
    tracker_user_id: textArb,
    idempotency_key: fc.oneof(fc.constantFrom("idem-1", "idem-2"), fc.jsonValue({ maxDepth: 0 })),
  },
  { requiredKeys: ["api_key", "type", "body"] },
);
const flagContextArb = fc.record({ company: keysArb, user: keysArb }, { requiredKeys: [] });

/** Request bodies: raw text, arbitrary JSON, and bodies shaped like the route's own. */
const bodyArb = (shaped: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 5, arbitrary: shaped.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );

const routes: Array<[string, string, fc.Arbitrary<string>, fc.Arbitrary<string | undefined>, string]> = [
  ["POST", "/companies", fc.constant("/companies"), bodyArb(wireCompanyUpsertArb), SECRET],
  ["POST", "/users", fc.constant("/users"), bodyArb(wireUserUpsertArb), SECRET],
  ["POST", "/e", fc.constant("/e"), bodyArb(wireEventArb), PUBLISHABLE],
  [
    "POST",
    "/batch",
    fc.constant("/batch"),
    bodyArb(fc.record({ events: fc.oneof(fc.array(wireEventArb, { maxLength: 4 }), fc.jsonValue()) })),
    SECRET,
  ],
  ["POST", "/flags/check", fc.constant("/flags/check"), bodyArb(flagContextArb), PUBLISHABLE],
  [
    "POST",
    "/flags/{key}/check",
    fc
      .oneof(
        fc.string({ maxLength: 20 }).map(encodeURIComponent),
        fc.string({ unit: "binary", maxLength: 12 }),
      )
      .map((key) => `/flags/${key}/check`),
    bodyArb(flagContextArb),
    SECRET,
  ],
];

/** Everything a request could change: the data and the event counts (not the request log). */
function state(emulator: Emulator): string {
  const { companies, users, events, eventsReceived, duplicates } = emulator.store.stats();
  return JSON.stringify([emulator.store.toSnapshot(), companies, users, events, eventsReceived, duplicates]);
}

async function send(
  emulator: Emulator,
  method: string,
  path: string,
  body: string | undefined,
  key?: string,
) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key !== undefined) headers["x-schematic-api-key"] = key;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  let response: Response;
  try {
    response = await emulator.fetch(`http://emulator.test${path}`, init);
  } catch (error) {
    // Only a URL the Request constructor itself refuses is the harness's problem; anything else is the emulator's.
    if (error instanceof TypeError && /URL|Invalid/i.test(error.message)) return undefined;
    throw error;
  }
  const text = await response.text();
  return { status: response.status, text };
}

function checkAnswer(answer: { status: number; text: string }) {
  const { status, text } = answer;
  expect(status, text).toBeGreaterThanOrEqual(200);
  expect(status, text).toBeLessThan(500);
  expect(status === 204 || (status >= 300 && status < 400), text).toBe(false);
  const json = JSON.parse(text) as { error?: unknown; data?: unknown };
  if (status >= 400) {
    expect(typeof json.error, text).toBe("string");
    expect((json.error as string).length).toBeGreaterThan(0);
  } else {
    expect(json, text).toHaveProperty("data");
  }
}

describe("fuzz: emulator routes", () => {
  for (const [method, name, pathArb, body, key] of routes) {
    it(`${method} ${name}: 2xx or 4xx JSON, never 5xx; a refusal changes nothing`, async () => {
      const emulator = createEmulator();
      const statuses: Record<number, number> = {};
      await fc.assert(
        fc.asyncProperty(pathArb, body, keyHeaderArb(key), async (path, text, header) => {
          const before = state(emulator);
          const answer = await send(emulator, method, path, text, header);
          if (!answer) return;
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          checkAnswer(answer);
          if (answer.status >= 400) expect(state(emulator)).toBe(before);
        }),
        { numRuns: RUNS },
      );
      // Both outcomes were exercised.
      expect(Object.keys(statuses).some((s) => Number(s) < 300)).toBe(true);
      expect(Object.keys(statuses).some((s) => Number(s) >= 400)).toBe(true);
    });
  }

  it("inspection routes with arbitrary query strings: never 5xx", async () => {
    const emulator = createEmulator({
      seed: { companies: [{ keys: { id: "c_1" } }], users: [{ keys: { id: "u_1" } }] },
    });
    const pathArb = fc.tuple(
      fc.constantFrom("/companies", "/users", "/events", "/requests", "/stats"),
      fc.constantFrom("offset", "limit", "type", "since", "path", "method"),
      fc.oneof(fc.string({ maxLength: 8 }), fc.integer().map(String), fc.double().map(String)),
    );
    await fc.assert(
      fc.asyncProperty(pathArb, async ([path, name, value]) => {
        const answer = await send(emulator, "GET", `${path}?${name}=${encodeURIComponent(value)}`, undefined);
        if (answer) checkAnswer(answer);
      }),
      { numRuns: RUNS },
    );
  });
});
