/** `live` through the provider's options: one socket while mounted (StrictMode included), a push re-renders the hook. */
import { act, render, screen } from "@testing-library/react";
import { StrictMode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { FakeWebSocket } from "../../browser/test/fakeWebSocket";
import { SchematicProvider, useSchematicFlag } from "../src/index";
import { installFakeApi, testOptions } from "./helpers";

installFakeApi();

const settle = () => act(() => new Promise((resolve) => setTimeout(resolve, 50)));

beforeEach(() => FakeWebSocket.reset());

describe("live updates through the provider", () => {
  it("opens one socket while mounted, re-renders on a push, and closes it on unmount", async () => {
    function Editor() {
      return <p>{useSchematicFlag("new-editor") ? "new editor" : "old editor"}</p>;
    }
    const { unmount } = render(
      <StrictMode>
        <SchematicProvider
          publishableKey="api_test_1234"
          options={{ ...testOptions(), live: true, webSocket: FakeWebSocket }}
          identify={{ keys: { id: "u" }, company: { keys: { id: "c" } } }}
        >
          <Editor />
        </SchematicProvider>
      </StrictMode>,
    );
    // The live code is its own chunk, loaded by the provider's mount: wait for it, however slow the machine.
    const openSockets = () => FakeWebSocket.all.filter((socket) => socket.closedWith === undefined);
    await act(() => vi.waitFor(() => expect(openSockets().length).toBeGreaterThan(0), { timeout: 10_000 }));
    await settle();
    const open = openSockets();
    expect(open).toHaveLength(1);
    const socket = open[0]!;
    act(() => socket.accept());
    expect(socket.messages.at(-1)).toMatchObject({ data: { company: { id: "c" }, user: { id: "u" } } });
    act(() => socket.receive({ flags: [{ flag: "new-editor", value: true, reason: "live" }] }));
    expect(await screen.findByText("new editor")).toBeTruthy();
    unmount();
    expect(socket.closedWith).toBe(1000);
  });
});
