import { act } from "@testing-library/react";
import { hydrateRoot } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { SchematicProvider, useSchematicFlag } from "../src/index";
import { installFakeApi, received, testOptions } from "./helpers";

installFakeApi();

function Page() {
  const beta = useSchematicFlag("beta", { fallback: false });
  return <p>beta {beta ? "on" : "off"}</p>;
}

describe("hydration", () => {
  it("hydrates the server's HTML with the same bootstrap without a mismatch", async () => {
    const bootstrap = { context: { company: { id: "demo-company" } }, flags: { beta: true } };
    const tree = () => (
      <SchematicProvider publishableKey="api_test_1234" options={testOptions()} bootstrap={bootstrap}>
        <Page />
      </SchematicProvider>
    );
    const container = document.createElement("div");
    container.innerHTML = renderToString(tree());
    document.body.append(container);
    const errors = vi.spyOn(console, "error");
    const recoverable = vi.fn();
    let root: ReturnType<typeof hydrateRoot> | undefined;
    await act(async () => {
      root = hydrateRoot(container, tree(), { onRecoverableError: recoverable });
    });
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    expect(container.textContent).toBe("beta on");
    expect(recoverable).not.toHaveBeenCalled();
    expect(errors).not.toHaveBeenCalled();
    expect(received.flagChecks).toHaveLength(0);
    root?.unmount();
    container.remove();
  });
});
