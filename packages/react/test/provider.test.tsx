import { isSchematicConfigError, type PageLifecycle, Schematic } from "@schematic-sdk/browser";
import { act, render, renderHook, screen, waitFor } from "@testing-library/react";
import { type ReactNode, StrictMode, useState } from "react";
import { describe, expect, it, vi } from "vitest";
import {
  SchematicProvider,
  useSchematic,
  useSchematicEntitlement,
  useSchematicFlag,
  useSchematicIdentify,
  useSchematicIsReady,
  useSchematicPlan,
} from "../src/index";
import { flagValues, installFakeApi, received, testOptions } from "./helpers";

installFakeApi();

const signedIn = { keys: { id: "demo-user" }, company: { keys: { id: "demo-company" } } };

/** Lets every pending send and timer settle. */
const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 50)));

describe("StrictMode", () => {
  it("makes one identify request and one flag request with the identified context, asked again (in bulk) once the identify is delivered", async () => {
    flagValues["new-editor"] = true;
    function Editor() {
      const on = useSchematicFlag("new-editor");
      return <p>{on ? "new editor" : "old editor"}</p>;
    }
    render(
      <StrictMode>
        <SchematicProvider publishableKey="api_test_1234" options={testOptions()} identify={signedIn}>
          <Editor />
          <Editor />
        </SchematicProvider>
      </StrictMode>,
    );
    await screen.findAllByText("new editor");
    await settle();
    expect(received.events.filter((e) => e.type === "identify")).toHaveLength(1);
    const identified = { user: { id: "demo-user" }, company: { id: "demo-company" } };
    // The first answer came before the identify reached the API (it may create the company): asked again after.
    expect(received.flagChecks).toEqual([
      { flag: "new-editor", body: identified },
      { flag: undefined, body: identified },
    ]);
  });
});

describe("SchematicProvider", () => {
  it("keeps one client across renders with new options objects, sending nothing again", async () => {
    const seen = new Set<Schematic>();
    function Probe() {
      seen.add(useSchematic().client);
      return null;
    }
    function App() {
      const [n, setN] = useState(0);
      return (
        <SchematicProvider
          publishableKey="api_test_1234"
          options={{ ...testOptions() }}
          identify={{ ...signedIn }}
        >
          <button type="button" onClick={() => setN(n + 1)}>
            render {n}
          </button>
          <Probe />
        </SchematicProvider>
      );
    }
    render(<App />);
    await settle();
    for (let i = 0; i < 3; i++) await act(async () => screen.getByRole("button").click());
    await settle();
    expect(seen.size).toBe(1);
    expect(received.events.filter((e) => e.type === "identify")).toHaveLength(1);
  });

  it("swaps the client when the key changes, stopping the old one", async () => {
    const unmount = vi.spyOn(Schematic.prototype, "unmount");
    const clients: Schematic[] = [];
    function Probe() {
      const { client } = useSchematic();
      if (!clients.includes(client)) clients.push(client);
      return null;
    }
    const options = testOptions();
    const view = render(
      <SchematicProvider publishableKey="api_key_one_0001" options={options}>
        <Probe />
      </SchematicProvider>,
    );
    view.rerender(
      <SchematicProvider publishableKey="api_key_two_0002" options={options}>
        <Probe />
      </SchematicProvider>,
    );
    await settle();
    expect(clients).toHaveLength(2);
    expect(unmount.mock.contexts).toEqual([clients[0]]);
    view.unmount();
  });

  it("mounts the client while it is mounted (StrictMode included), with no timer of its own, and never closes a client passed in", async () => {
    const close = vi.spyOn(Schematic.prototype, "close");
    const listeners = new Set<unknown>();
    const lifecycle: PageLifecycle = {
      online: () => true,
      subscribe(listener) {
        listeners.add(listener);
        return () => {
          listeners.delete(listener);
        };
      },
    };
    const own = render(
      <StrictMode>
        <SchematicProvider publishableKey="api_test_1234" options={{ ...testOptions(), lifecycle }} />
      </StrictMode>,
    );
    // StrictMode mounted, unmounted and mounted again: one live client, listening.
    expect(listeners.size).toBe(1);
    own.unmount();
    expect(listeners.size).toBe(0);

    const mine = new Schematic("api_test_1234", { ...testOptions(), lifecycle });
    const passed = render(<SchematicProvider client={mine} />);
    expect(listeners.size).toBe(1);
    passed.unmount();
    await settle();
    expect(listeners.size).toBe(0);
    expect(close).not.toHaveBeenCalled();
    // Still usable: the next call starts it again.
    void mine.track({ event: "after" });
    expect(listeners.size).toBe(1);
    mine.close();
    expect(listeners.size).toBe(0);
  });

  it("sends one identify when the identify prop's content changes, none for a copy", async () => {
    const view = render(
      <SchematicProvider publishableKey="api_test_1234" options={testOptions()} identify={null} />,
    );
    await settle();
    expect(received.events).toHaveLength(0);
    const options = testOptions();
    view.rerender(<SchematicProvider publishableKey="api_test_1234" options={options} identify={signedIn} />);
    view.rerender(
      <SchematicProvider
        publishableKey="api_test_1234"
        options={options}
        identify={structuredClone(signedIn)}
      />,
    );
    await settle();
    view.rerender(
      <SchematicProvider
        publishableKey="api_test_1234"
        options={options}
        identify={{ ...signedIn, keys: { id: "other-user" } }}
      />,
    );
    await settle();
    expect(received.events.map((e) => (e.body as { keys: unknown }).keys)).toEqual([
      { id: "demo-user" },
      { id: "other-user" },
    ]);
  });
});

describe("hooks", () => {
  it("throw a SchematicConfigError naming the hook and SchematicProvider outside one", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    for (const [name, hook] of [
      ["useSchematic", () => useSchematic()],
      ["useSchematicFlag", () => useSchematicFlag("x")],
      ["useSchematicEntitlement", () => useSchematicEntitlement("x")],
      ["useSchematicPlan", () => useSchematicPlan()],
      ["useSchematicIdentify", () => useSchematicIdentify(null)],
      ["useSchematicIsReady", () => useSchematicIsReady()],
    ] as [string, () => unknown][]) {
      let thrown: unknown;
      try {
        renderHook(hook);
      } catch (error) {
        thrown = error;
      }
      expect(isSchematicConfigError(thrown), name).toBe(true);
      expect((thrown as Error).message).toMatch(
        new RegExp(`^${name} must be used inside <SchematicProvider>`),
      );
    }
  });

  it("useSchematic returns the same functions on every render and the live context", async () => {
    const wrapper = ({ children }: { children: ReactNode }) => (
      <SchematicProvider publishableKey="api_test_1234" options={testOptions()}>
        {children}
      </SchematicProvider>
    );
    const { result, rerender } = renderHook(() => useSchematic(), { wrapper });
    const first = result.current;
    rerender();
    expect(result.current.identify).toBe(first.identify);
    expect(result.current.track).toBe(first.track);
    expect(result.current.checkFlag).toBe(first.checkFlag);
    expect(result.current.client).toBe(first.client);
    expect(result.current.context).toEqual({});
    await act(async () => {
      void result.current.identify(signedIn);
    });
    await waitFor(() =>
      expect(result.current.context).toEqual({ user: { id: "demo-user" }, company: { id: "demo-company" } }),
    );
    expect(result.current.track).toBe(first.track);
  });

  it("a misspelled option in the provider's options throws during render, naming it and the right one", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const wrapper = ({ children }: { children: ReactNode }) => (
      <SchematicProvider
        publishableKey="api_test_1234"
        options={{ ...testOptions(), apiURL: "http://127.0.0.1:8787" } as never}
      >
        {children}
      </SchematicProvider>
    );
    expect(() => renderHook(() => useSchematic(), { wrapper })).toThrow(
      /^Schematic: unknown option "apiURL" — did you mean "apiUrl"\?/,
    );
    expect(received.events).toHaveLength(0);
  });

  it("useSchematicIdentify refuses bad input during render with the field named", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const wrapper = ({ children }: { children: ReactNode }) => (
      <SchematicProvider publishableKey="api_test_1234" options={testOptions()}>
        {children}
      </SchematicProvider>
    );
    expect(() =>
      renderHook(() => useSchematicIdentify({ keys: { id: 42 as unknown as string } }), { wrapper }),
    ).toThrow(/keys\.id: must be a string; got number 42 — pass String\(42\)/);
    expect(received.events).toHaveLength(0);
  });
});
