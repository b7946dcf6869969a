// @vitest-environment happy-dom
/**
 * Bad-input matrix for the React bindings, rendered in happy-dom: invalid
 * input to `useSchematicIdentify`, the provider's `identify` prop, its
 * `publishableKey` and `bootstrap`, `useSchematicFlag` and the methods of
 * `useSchematic()` must reach the caller as the documented error (an error
 * boundary for render-time input), send nothing and leave the client's state
 * alone. Unhandled rejections are collected and must not happen.
 */
import { Schematic } from "@schematic-sdk/browser";
import { createEmulator } from "@schematic-sdk/emulator";
import {
  SchematicProvider,
  type UseSchematicResult,
  useSchematic,
  useSchematicFlag,
  useSchematicIdentify,
} from "@schematic-sdk/react";
import { act, Component, createElement as h, type ReactNode } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
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
import { MapStorage } from "./support";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const emulator = createEmulator();
const options = () => ({
  apiUrl: "http://emulator.test",
  eventUrl: "http://emulator.test",
  fetch: emulator.fetch,
  storage: new MapStorage(),
  locks: null,
  flushInterval: 1,
});
const client = new Schematic("api_bad_input_react", options());
let requestsBefore = 0;
let root: Root;
let container: HTMLElement;

// Unhandled rejections are this suite's business: collect them instead of letting the runner crash on them.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
let runnerListeners: NodeJS.UnhandledRejectionListener[] = [];

beforeAll(async () => {
  runnerListeners = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", onUnhandled);
  await client.identify({ keys: { id: "u_1" }, company: { keys: { id: "c_1" } } });
  await client.flush();
  requestsBefore = emulator.store.requests().length;
  container = document.createElement("div");
  root = createRoot(container, { onCaughtError: () => {}, onUncaughtError: () => {} });
});

afterEach(() => {
  unhandled.length = 0;
});

afterAll(async () => {
  await act(async () => root.unmount());
  client.close();
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.removeAllListeners("unhandledRejection");
  for (const listener of runnerListeners) process.on("unhandledRejection", listener);
});

class Boundary extends Component<
  { children?: ReactNode; onError: (error: unknown) => void },
  { failed: boolean }
> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: unknown) {
    this.props.onError(error);
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

let renders = 0;
/** Renders `tree` under a fresh error boundary; resolves with the first error it caught, if any. */
async function renderCatching(tree: ReactNode): Promise<unknown> {
  let caught: unknown;
  await act(async () => {
    root.render(
      h(Boundary, {
        key: ++renders,
        onError: (error) => {
          caught ??= error;
        },
        children: tree,
      }),
    );
  });
  await new Promise((resolve) => setTimeout(resolve, 0)); // effects' promises settle (or go unhandled)
  return caught;
}

/** What must not move when an input is refused. */
function expectUntouched(label: string, before: ReturnType<Schematic["getSnapshot"]>) {
  expect(client.getSnapshot().queue, label).toEqual(before.queue);
  expect(client.getContext(), label).toBe(before.context);
  expect(emulator.store.requests().slice(requestsBefore), label).toEqual([]);
}

function Identify({ input }: { input: unknown }) {
  useSchematicIdentify(input as never);
  return null;
}

function Flag({ flag }: { flag: unknown }) {
  return h("span", null, String(useSchematicFlag(flag as string)));
}

const identifyEntryPoints = {
  useSchematicIdentify: (input: unknown) => h(SchematicProvider, { client }, h(Identify, { input })),
  "SchematicProvider identify prop": (input: unknown) =>
    h(SchematicProvider, { client, identify: input as never }),
};

async function renderMatrix(cases: BadCase[], tree: (input: unknown) => ReactNode) {
  for (const c of cases) {
    const before = client.getSnapshot();
    expectValidationError(await renderCatching(tree(c.input)), c);
    expectUntouched(c.label, before);
  }
  expect(unhandled).toEqual([]);
}

describe("react bad-input matrix", () => {
  for (const [name, tree] of Object.entries(identifyEntryPoints)) {
    // `null`/`undefined` mean "nobody is signed in" to these hooks: valid, not bad input.
    const cases = badIdentify.filter((c) => c.input != null);
    it(`${name}: ${cases.length} invalid inputs throw SchematicValidationError during render`, async () => {
      expect(cases.length).toBeGreaterThanOrEqual(40);
      await renderMatrix(cases, tree);
    });
  }

  it(`SchematicProvider publishableKey and bootstrap: invalid keys and contexts are refused`, async () => {
    const keys: BadCase[] = [...secretKeys.map((k) => [`key: ${k}`, k] as const), ...notKeys].map(
      ([label, input]) => ({
        label: `publishableKey: ${label}`,
        input,
        path: "",
      }),
    );
    for (const c of keys) {
      const before = client.getSnapshot();
      const error = await renderCatching(
        h(SchematicProvider, { publishableKey: c.input as string, options: options() }),
      );
      expectConfigError(error, c.label, /publishable key/);
      expectUntouched(c.label, before);
    }
    const contexts = badContext.filter((c) => c.input);
    for (const c of contexts) {
      const before = client.getSnapshot();
      const error = await renderCatching(
        h(SchematicProvider, {
          publishableKey: "api_x",
          options: options(),
          bootstrap: { context: c.input as never },
        }),
      );
      expectValidationError(error, c);
      expectUntouched(c.label, before);
    }
    expect(keys.length + contexts.length).toBeGreaterThanOrEqual(40);
    expect(unhandled).toEqual([]);
  });

  it(`useSchematicFlag: ${badFlagKeys.length} invalid keys send nothing and leave the client alone`, async () => {
    for (const c of badFlagKeys) {
      const before = client.getSnapshot();
      await renderCatching(h(SchematicProvider, { client }, h(Flag, { flag: c.input })));
      expectUntouched(c.label, before);
    }
  });

  it(`useSchematicFlag: invalid keys reach an error boundary, never an unhandled rejection`, async () => {
    for (const c of badFlagKeys) {
      const error = await renderCatching(h(SchematicProvider, { client }, h(Flag, { flag: c.input })));
      expect(unhandled, c.label).toEqual([]);
      expectValidationError(error, c);
    }
  });

  it(`useSchematic(): identify (${badIdentify.length}) and track (${badTrack.length}) reject with SchematicValidationError`, async () => {
    let api: UseSchematicResult | undefined;
    function Grab() {
      api = useSchematic();
      return null;
    }
    await renderCatching(h(SchematicProvider, { client }, h(Grab)));
    expect(api).toBeDefined();
    for (const [cases, call] of [
      [badIdentify, api!.identify],
      [badTrack, api!.track],
    ] as const) {
      for (const c of cases) {
        const before = client.getSnapshot();
        expectValidationError(await failure(() => call(c.input as never)), c);
        expectUntouched(c.label, before);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(client.getSnapshot().queue).toEqual({ pending: 0, delivered: 1, dropped: 0 });
    expect(unhandled).toEqual([]);
  });
});
