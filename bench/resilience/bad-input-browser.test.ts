/**
 * Bad-input matrix for the browser client: every invalid input fails with the
 * documented error class and a message naming the field, sends nothing, and
 * leaves the queue, the context and storage exactly as they were.
 */
import { Schematic } from "@schematic-sdk/browser";
import { type RunningEmulator, startEmulator } from "@schematic-sdk/emulator/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type BadCase,
  badContext,
  badFlagKeys,
  badIdentify,
  badTrack,
  expectConfigError,
  expectValidationError,
  failure,
  notKeys,
  secretKeys,
} from "./badInputs";
import { type ClientCall, MapStorage, recordingFetch, sleep } from "./support";

const KEY = "api_bad_input_browser";
let server: RunningEmulator;
let client: Schematic;
let storage: MapStorage;
const calls: ClientCall[] = [];
let requestsBefore = 0;

beforeAll(async () => {
  server = await startEmulator({ port: 0, host: "127.0.0.1" });
  storage = new MapStorage();
  client = new Schematic(KEY, {
    apiUrl: server.url,
    eventUrl: server.url,
    storage,
    locks: null,
    fetch: recordingFetch(calls),
    flushInterval: 1,
  });
  // A known state to compare against: a context, one delivered identify, one flag known.
  await client.identify({ keys: { id: "u_1" }, company: { keys: { id: "c_1" } }, traits: { plan: "pro" } });
  await client.checkFlag("known-flag");
  await client.flush();
  await sleep(20); // let coalesced storage writes land
  requestsBefore = server.emulator.store.requests().length;
});

afterAll(async () => {
  client.close();
  await server.close();
});

/** Runs each case through `call` and checks nothing observable moved. */
async function matrix(
  cases: BadCase[],
  call: (input: unknown) => unknown,
  check: (error: unknown, c: BadCase) => void = expectValidationError,
) {
  expect(cases.length).toBeGreaterThanOrEqual(40);
  for (const c of cases) {
    const snapshot = client.getSnapshot();
    const context = client.getContext();
    const stored = storage.dump();
    check(await failure(() => call(c.input)), c);
    await Promise.resolve();
    expect(client.getSnapshot(), c.label).toBe(snapshot);
    expect(client.getContext(), c.label).toBe(context);
    expect(storage.dump(), c.label).toEqual(stored);
  }
  await sleep(30); // a wrongly queued event would be on its way by now (flushInterval 1 ms)
  expect(client.getSnapshot().queue).toEqual({ pending: 0, delivered: 1, dropped: 0 });
  expect(client.getContext()).toEqual({ user: { id: "u_1" }, company: { id: "c_1" } });
  expect(server.emulator.store.requests().slice(requestsBefore)).toEqual([]);
}

describe("browser bad-input matrix", () => {
  it(`identify: ${badIdentify.length} invalid inputs`, async () => {
    await matrix(badIdentify, (input) => client.identify(input as never));
  });

  it(`track: ${badTrack.length} invalid inputs`, async () => {
    await matrix(badTrack, (input) => client.track(input as never));
  });

  it(`setContext: ${badContext.length} invalid inputs`, async () => {
    await matrix(badContext, (input) => client.setContext(input as never));
  });

  it(`checkFlag: ${badFlagKeys.length} invalid flag keys`, async () => {
    await matrix(badFlagKeys, (input) => client.checkFlag(input as never));
  });

  it("constructor: secret keys, missing keys and a bad bootstrap context are refused", async () => {
    const cases: BadCase[] = [
      ...secretKeys.map((key) => ({ label: `key: ${key}`, input: key, path: "" })),
      ...notKeys.map(([label, key]) => ({ label: `key: ${label}`, input: key, path: "" })),
    ];
    let constructed = 0;
    for (const c of cases) {
      const error = await failure(() => {
        new Schematic(c.input as string, { storage, fetch: recordingFetch(calls), locks: null });
        constructed++;
      });
      expectConfigError(error, c.label, /publishable key \(api_…\)/);
    }
    const contexts = badContext.filter((c) => c.input);
    for (const c of contexts) {
      const error = await failure(() => {
        new Schematic(KEY, { storage, locks: null, bootstrap: { context: c.input as never } });
        constructed++;
      });
      expectValidationError(error, c);
    }
    expect(constructed).toBe(0);
    expect(cases.length + contexts.length).toBeGreaterThanOrEqual(40);
    expect(server.emulator.store.requests().slice(requestsBefore)).toEqual([]);
    // The refused clients touched nothing: the live client's storage is as it was.
    expect(client.getContext()).toEqual({ user: { id: "u_1" }, company: { id: "c_1" } });
  });
});
