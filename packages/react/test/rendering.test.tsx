import { Schematic } from "@schematic-sdk/browser";
import { act, render, screen } from "@testing-library/react";
import { Profiler } from "react";
import { describe, expect, it } from "vitest";
import { SchematicProvider, useSchematicFlag, useSchematicIsReady } from "../src/index";
import { flagValues, installFakeApi, received, testOptions } from "./helpers";

installFakeApi();

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 50)));
const context = { company: { id: "demo-company" }, user: { id: "demo-user" } };

describe("no flicker", () => {
  it("with a bootstrap, the very first render shows the real value and asks nothing", async () => {
    const renders: string[] = [];
    function Gate() {
      const ready = useSchematicIsReady();
      const on = useSchematicFlag("beta", { fallback: false });
      renders.push(`${ready ? "ready" : "loading"}:${on ? "on" : "off"}`);
      return <p>{on ? "beta on" : "beta off"}</p>;
    }
    render(
      <SchematicProvider
        publishableKey="api_test_1234"
        options={testOptions()}
        bootstrap={{ context, flags: { beta: true } }}
      >
        <Gate />
      </SchematicProvider>,
    );
    await settle();
    expect(renders).toEqual(["ready:on"]);
    expect(received.flagChecks).toHaveLength(0);
    expect(screen.getByText("beta on")).toBeTruthy();
  });

  it("with a warm persisted cache, a new page's first render shows the real value, asked again once in the background", async () => {
    flagValues.beta = true;
    const options = testOptions();
    const first = new Schematic("api_test_1234", options);
    first.setContext(context);
    await first.checkFlag("beta");
    first.close();
    await settle();
    const asked = received.flagChecks.length;

    const renders: string[] = [];
    function Gate() {
      const on = useSchematicFlag("beta", { fallback: false });
      renders.push(on ? "on" : "off");
      return null;
    }
    render(
      <SchematicProvider publishableKey="api_test_1234" options={options}>
        <Gate />
      </SchematicProvider>,
    );
    await settle();
    expect(renders).toEqual(["on"]);
    // Restored values are revalidated on load: one bulk request, the value kept meanwhile.
    expect(received.flagChecks.slice(asked)).toEqual([{ flag: undefined, body: context }]);
  });

  it("without either, it renders the fallback, then the answer, once each", async () => {
    flagValues.beta = true;
    const renders: string[] = [];
    function Gate() {
      const ready = useSchematicIsReady();
      const on = useSchematicFlag("beta", { fallback: false });
      renders.push(`${ready ? "ready" : "loading"}:${on ? "on" : "off"}`);
      return null;
    }
    render(
      <SchematicProvider publishableKey="api_test_1234" options={testOptions()}>
        <Gate />
      </SchematicProvider>,
    );
    await settle();
    expect(renders).toEqual(["loading:off", "ready:on"]);
  });
});

describe("re-renders", () => {
  it("a component reading flag A does not re-render when flag B changes", async () => {
    flagValues.a = true;
    flagValues.b = false;
    const commits: Record<string, number> = { A: 0, B: 0 };
    const onRender = (id: string) => {
      commits[id] = (commits[id] ?? 0) + 1;
    };
    function Flag({ name }: { name: string }) {
      const on = useSchematicFlag(name);
      return <p>{`${name}:${on}`}</p>;
    }
    const client = new Schematic("api_test_1234", testOptions());
    render(
      <SchematicProvider client={client}>
        <Profiler id="A" onRender={onRender}>
          <Flag name="a" />
        </Profiler>
        <Profiler id="B" onRender={onRender}>
          <Flag name="b" />
        </Profiler>
      </SchematicProvider>,
    );
    await screen.findByText("a:true");
    await settle();
    const before = { ...commits };
    flagValues.b = true;
    await act(async () => {
      await client.checkFlags();
    });
    await screen.findByText("b:true");
    expect(commits.B).toBe(before.B! + 1);
    expect(commits.A).toBe(before.A);
    client.close();
  });

  it("many components reading one flag share one request", async () => {
    flagValues.shared = true;
    function Flag() {
      return <p>{String(useSchematicFlag("shared"))}</p>;
    }
    render(
      <SchematicProvider publishableKey="api_test_1234" options={testOptions()}>
        {Array.from({ length: 20 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list
          <Flag key={i} />
        ))}
      </SchematicProvider>,
    );
    expect(await screen.findAllByText("true")).toHaveLength(20);
    await settle();
    expect(received.flagChecks).toHaveLength(1);
  });
});
