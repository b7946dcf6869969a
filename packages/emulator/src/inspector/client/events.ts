/** The event stream, newest first: filter by type and company, click one to see its JSON. */
import type { InspectorEvent } from "../stateTypes";
import { cut, h, select } from "./dom";
import { jsonText, timeText } from "./format";
import { companyLabel, type View } from "./view";

const TYPES: Array<[string, string]> = [
  ["", "all types"],
  ["identify", "identify"],
  ["track", "track"],
  ["flag_check", "flag_check"],
];

function summary(event: InspectorEvent): string {
  if (event.type === "track") return event.event ?? "";
  const body = event.body as { name?: unknown; keys?: unknown };
  const name = typeof body?.name === "string" ? body.name : "";
  return name || jsonText(body?.keys ?? "");
}

function rows(view: View, event: InspectorEvent, companies: Map<string, string>): HTMLTableRowElement[] {
  const { expanded } = view.choices;
  const open = expanded.has(event.id);
  const toggle = () => {
    if (open) expanded.delete(event.id);
    else expanded.add(event.id);
    view.refresh();
  };
  const main = h(
    "tr",
    { class: "pick", "data-event-id": event.id, "aria-expanded": String(open), onclick: toggle },
    h("td", { class: "mono muted" }, timeText(event.receivedAt)),
    h("td", null, h("span", { class: event.type === "track" ? "badge warn" : "badge plain" }, event.type)),
    h("td", null, cut(summary(event))),
    h(
      "td",
      null,
      event.companyId
        ? cut(companies.get(event.companyId) ?? event.companyId)
        : h("span", { class: "muted" }, "—"),
    ),
    h("td", { class: "mono muted" }, event.apiKey ? `${event.via} · ${event.apiKey}` : event.via),
  );
  if (!open) return [main];
  const detail = h(
    "tr",
    null,
    h(
      "td",
      { colspan: "5" },
      h(
        "pre",
        { class: "event-json" },
        jsonText(
          {
            id: event.id,
            tracker_event_id: event.trackerEventId,
            idempotency_key: event.idempotencyKey,
            api_key: event.apiKey,
            via: event.via,
            received_at: event.receivedAt,
            type: event.type,
            body: event.body,
          },
          2,
        ),
      ),
    ),
  );
  return [main, detail];
}

export function renderEventFilters(view: View): HTMLElement {
  const { choices, state } = view;
  const companies: Array<[string, string]> = [
    ["", "all companies"],
    ...state.companies.items.map((c): [string, string] => [c.id, companyLabel(c)]),
  ];
  return h(
    "span",
    { class: "tools" },
    select(TYPES, choices.eventType, {
      "aria-label": "event type",
      onchange: (e) => {
        choices.eventType = (e.target as HTMLSelectElement).value;
        view.refresh();
      },
    }),
    select(companies, choices.eventCompany, {
      "aria-label": "event company",
      onchange: (e) => {
        choices.eventCompany = (e.target as HTMLSelectElement).value;
        view.refresh();
      },
    }),
  );
}

export function renderEvents(view: View): HTMLElement {
  const { choices, state } = view;
  const names = new Map(state.companies.items.map((c) => [c.id, companyLabel(c)]));
  const shown = state.events.items.filter(
    (e) =>
      (!choices.eventType || e.type === choices.eventType) &&
      (!choices.eventCompany || e.companyId === choices.eventCompany),
  );
  if (shown.length === 0)
    return h(
      "div",
      { class: "empty" },
      state.events.total === 0 ? "No event yet." : "No event matches the filters.",
    );
  return h(
    "table",
    { "data-testid": "events" },
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ["received", "type", "what", "company", "via · key"].map((x) => h("th", null, x)),
      ),
    ),
    h(
      "tbody",
      null,
      shown.flatMap((e) => rows(view, e, names)),
    ),
  );
}
