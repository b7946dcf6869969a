/**
 * Server rendering happens with no window at all: this file runs in Node.
 */
// @vitest-environment node
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { SchematicProvider, useSchematic, useSchematicFlag, useSchematicIsReady } from "../src/index";
import { installFakeApi, received, testOptions } from "./helpers";

installFakeApi();

function Page() {
  const { context } = useSchematic();
  const ready = useSchematicIsReady();
  const beta = useSchematicFlag("beta", { fallback: false });
  const other = useSchematicFlag("other", { fallback: true });
  return (
    <main>
      <p>{`company ${context.company?.id ?? "none"}`}</p>
      <p>{ready ? "ready" : "loading"}</p>
      <p>{`beta ${beta ? "on" : "off"}`}</p>
      <p>{`other ${other ? "on" : "off"}`}</p>
    </main>
  );
}

describe("server rendering", () => {
  it("renders bootstrapped values with no window and sends nothing", async () => {
    expect(typeof window).toBe("undefined");
    const { storage, ...options } = testOptions();
    void storage;
    const html = renderToString(
      <SchematicProvider
        publishableKey="api_test_1234"
        options={options}
        bootstrap={{ context: { company: { id: "demo-company" } }, flags: { beta: true } }}
        identify={{ keys: { id: "demo-user" }, company: { keys: { id: "demo-company" } } }}
      >
        <Page />
      </SchematicProvider>,
    );
    expect(html).toContain("company demo-company");
    expect(html).toContain("ready");
    expect(html).toContain("beta on");
    expect(html).toContain("other on");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.events).toHaveLength(0);
    expect(received.flagChecks).toHaveLength(0);
  });
});
