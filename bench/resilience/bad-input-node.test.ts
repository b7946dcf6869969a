/**
 * Bad-input matrix for the Node client: every invalid input to the
 * constructor, `upsertCompany`, `upsertUser`, `identify`, `track` and
 * `checkFlag` fails with the documented error class and a message naming the
 * field, sends nothing (the emulator's request log stays empty) and buffers
 * nothing.
 */
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import { SchematicClient, type SchematicClientOptions } from "@schematic-sdk/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BadCase,
  badContext,
  badFlagKeys,
  badIdentify,
  badTrack,
  badUpsertCompany,
  badUpsertUser,
  expectConfigError,
  expectValidationError,
  failure,
  notKeys,
} from "./badInputs";
import { type ClientCall, recordingFetch, sleep } from "./support";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
let server: RunningEmulator;
let client: SchematicClient;
const calls: ClientCall[] = [];

beforeAll(async () => {
  server = await startEmulator({ port: 0, host: "127.0.0.1" });
  client = new SchematicClient({
    apiKey: "sch_dev_bad_input",
    apiUrl: server.url,
    eventUrl: server.url,
    fetch: recordingFetch(calls),
    flushInterval: 1,
    logger: quiet,
  });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

async function matrix(cases: BadCase[], call: (input: unknown) => unknown) {
  expect(cases.length).toBeGreaterThanOrEqual(40);
  for (const c of cases) {
    const before = client.stats;
    expectValidationError(await failure(() => call(c.input)), c);
    expect(client.stats, c.label).toEqual(before);
  }
  await sleep(20); // a wrongly buffered event would be on its way by now (flushInterval 1 ms)
  await client.flush();
  expect(client.stats).toMatchObject({ pending: 0, pendingBytes: 0, delivered: 0, dropped: 0, requests: 0 });
  expect(calls).toEqual([]);
  expect(server.emulator.store.requests()).toEqual([]);
}

describe("node bad-input matrix", () => {
  it(`upsertCompany: ${badUpsertCompany.length} invalid inputs`, async () => {
    await matrix(badUpsertCompany, (input) => client.upsertCompany(input as never));
  });

  it(`upsertUser: ${badUpsertUser.length} invalid inputs`, async () => {
    await matrix(badUpsertUser, (input) => client.upsertUser(input as never));
  });

  it(`identify: ${badIdentify.length} invalid inputs`, async () => {
    await matrix(badIdentify, (input) => client.identify(input as never));
  });

  it(`track: ${badTrack.length + 4} invalid inputs`, async () => {
    const idempotency: BadCase[] = (
      [
        ["empty", ""],
        ["a number", 5],
        ["256 characters", "i".repeat(256)],
        ["null", null],
      ] as const
    ).map(([label, idempotencyKey]) => ({
      label: `idempotencyKey: ${label}`,
      input: { event: "query", idempotencyKey },
      path: "idempotencyKey",
    }));
    await matrix([...badTrack, ...idempotency], (input) => client.track(input as never));
  });

  it(`checkFlag: ${badFlagKeys.length} invalid keys and ${badContext.length - 1} invalid contexts`, async () => {
    await matrix(badFlagKeys, (input) => client.checkFlag(input as never, { company: { id: "c_1" } }));
    await matrix(
      badContext.filter((c) => c.input !== undefined),
      (input) => client.checkFlag("my-flag", input as never),
    );
  });

  it("constructor: missing, publishable and malformed keys, and invalid options, are refused naming what is wrong", async () => {
    const good: SchematicClientOptions = { apiKey: "sch_dev_x", apiUrl: server.url, eventUrl: server.url };
    const cases: Array<[label: string, options: unknown, needle: RegExp]> = [
      ["no options", undefined, /options object/],
      ["options: null", null, /options object/],
      ["options: a string key", "sch_dev_x", /options object/],
      ...["api_x", "api_pub_0123456789", "api_prod_x"].map((apiKey): [string, unknown, RegExp] => [
        `apiKey: publishable ${apiKey}`,
        { ...good, apiKey },
        /secret key \(sch_…\)/,
      ]),
      ...notKeys.map(([label, apiKey]): [string, unknown, RegExp] => [
        `apiKey: ${label}`,
        { ...good, apiKey },
        /apiKey/,
      ]),
      ["apiKey: whitespace", { ...good, apiKey: "   " }, /apiKey/],
      ["apiUrl: not a URL", { ...good, apiUrl: "localhost:8787" }, /apiUrl/],
      ["apiUrl: ftp", { ...good, apiUrl: "ftp://127.0.0.1" }, /apiUrl/],
      ["eventUrl: a number", { ...good, eventUrl: 8787 }, /eventUrl/],
      ["timeout: negative", { ...good, timeout: -1 }, /timeout/],
      ["maxRetries: 1.5", { ...good, maxRetries: 1.5 }, /maxRetries/],
      ["flushInterval: 0", { ...good, flushInterval: 0 }, /flushInterval/],
      ["maxBatchSize: 0", { ...good, maxBatchSize: 0 }, /maxBatchSize/],
      ["maxQueueSize: NaN", { ...good, maxQueueSize: Number.NaN }, /maxQueueSize/],
      ["fetch: a string", { ...good, fetch: "fetch" }, /fetch/],
      ["headers: a number value", { ...good, headers: { "x-a": 1 } }, /headers/],
      ["logger: missing methods", { ...good, logger: {} }, /logger/],
      ["logLevel: unknown", { ...good, logLevel: "loud" }, /logLevel/],
    ];
    expect(cases.length).toBeGreaterThanOrEqual(40);
    let constructed = 0;
    for (const [label, options, needle] of cases) {
      const error = await failure(() => {
        new SchematicClient(options as SchematicClientOptions);
        constructed++;
      });
      expectConfigError(error, label, needle);
      expect((error as Error).message, label).not.toMatch(/sch_dev_x|api_pub_0123456789/); // keys are never printed whole
    }
    expect(constructed).toBe(0);
    expect(server.emulator.store.requests()).toEqual([]);
  });
});
