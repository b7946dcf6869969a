/** The top bar: connection state, counts and the reset button. */
import { h } from "./dom";
import type { View } from "./view";

export function renderHeader(view: View, live: boolean): HTMLElement[] {
  const s = view.state.stats;
  const count = (label: string, value: number) =>
    h("span", null, h("b", null, value.toLocaleString()), ` ${label}`);
  return [
    h("h1", null, "Schematic emulator"),
    h(
      "span",
      { class: live ? "status live" : "status", "data-testid": "status" },
      live ? "live" : "reconnecting…",
    ),
    h(
      "div",
      { class: "counters" },
      count("companies", s.companies),
      count("users", s.users),
      count("events", s.eventsReceived),
      count("duplicates", s.duplicates),
      count("API requests", s.requests),
      count("faults", s.faults.failed + s.faults.rateLimited),
      count("live clients", s.liveClients),
    ),
    h(
      "button",
      {
        class: "danger",
        title:
          "Forget companies, users, events, usage, plans and overrides set here (flags and the catalog stay)",
        onclick: () => {
          if (confirm("Reset the emulator? Companies, users, events, usage and run-time plans go.")) {
            void view.actions.reset();
          }
        },
      },
      "Reset",
    ),
  ];
}
