/**
 * The inspector page's script: lays out the panels, renders each from the
 * state embedded in the page, then applies the stream's updates to the
 * panels whose sections changed. A panel the user is working in (a picker
 * open, a field focused) is re-rendered once focus leaves it.
 */
import type { InspectorConfig } from "../page";
import type { InspectorSection, InspectorState, InspectorUpdate } from "../stateTypes";
import { createActions } from "./api";
import { renderCatalog } from "./catalog";
import { renderCompanies } from "./companies";
import { connect } from "./connection";
import { h } from "./dom";
import { renderEventFilters, renderEvents } from "./events";
import { renderExplain } from "./explain";
import { renderHeader } from "./header";
import { renderRequests } from "./requests";
import { renderUsers } from "./users";
import type { View } from "./view";

interface Panel {
  /** Where its content goes. */
  body: HTMLElement;
  /** Sections it shows. */
  shows: InspectorSection[];
  render(): HTMLElement | HTMLElement[];
  /** Waiting for focus to leave before re-rendering. */
  deferred?: boolean;
}

const config = JSON.parse(document.getElementById("inspector-config")!.textContent!) as InspectorConfig;
let live = false;
let toastTimer: ReturnType<typeof setTimeout> | undefined;
const toast = h("div", { class: "toast", role: "alert", hidden: true });
const report = (message: string) => {
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    toast.hidden = true;
  }, 6000);
};

const view: View = {
  state: config.state,
  choices: { eventType: "", eventCompany: "", expanded: new Set() },
  actions: createActions(config.token, report),
  refresh: () => renderAll(),
};

function section(
  title: string,
  id: string,
  className = "",
): { element: HTMLElement; body: HTMLElement; count: HTMLElement; tools: HTMLElement } {
  const count = h("small");
  const tools = h("span", { class: "tools" });
  const body = h("div", { class: `body ${className}` });
  const element = h(
    "section",
    { class: `panel ${id === "companies" || id === "users" ? "wide" : ""}`, id },
    h("h2", null, title, count, tools),
    body,
  );
  return { element, body, count, tools };
}

const header = h("header", { class: "top" });
const companies = section("Companies", "companies", "tall");
const explain = section("Why this answer", "explain");
const catalog = section("Catalog", "catalog");
const events = section("Events", "events", "tall");
const requests = section("API requests", "requests", "tall compact");
const users = section("Users", "users");

const counted = (list: { items: unknown[]; total: number }) =>
  list.total > list.items.length ? `latest ${list.items.length} of ${list.total}` : String(list.total);

const panels: Panel[] = [
  { body: header, shows: ["stats"], render: () => renderHeader(view, live) },
  { body: companies.body, shows: ["companies", "catalog"], render: () => renderCompanies(view) },
  { body: explain.body, shows: ["companies", "catalog"], render: () => renderExplain(view) },
  { body: catalog.body, shows: ["catalog"], render: () => renderCatalog(view) },
  { body: events.tools, shows: ["companies"], render: () => renderEventFilters(view) },
  { body: events.body, shows: ["events", "companies"], render: () => renderEvents(view) },
  { body: requests.body, shows: ["requests"], render: () => renderRequests(view) },
  { body: users.body, shows: ["users"], render: () => renderUsers(view) },
];

/** A field the user may be typing in or picking from: re-rendering would take it away. */
const isField = (element: Element | null) =>
  element instanceof HTMLSelectElement ||
  element instanceof HTMLInputElement ||
  element instanceof HTMLTextAreaElement;

function renderPanel(panel: Panel): void {
  if (isField(document.activeElement) && panel.body.contains(document.activeElement)) {
    panel.deferred = true;
    return;
  }
  panel.deferred = false;
  const content = panel.render();
  panel.body.replaceChildren(...(Array.isArray(content) ? content : [content]));
}

function renderCounts(): void {
  const { state } = view;
  companies.count.textContent = counted(state.companies);
  users.count.textContent = counted(state.users);
  events.count.textContent = counted(state.events);
  requests.count.textContent = counted(state.requests);
}

function renderAll(): void {
  for (const panel of panels) renderPanel(panel);
  renderCounts();
}

function apply(update: InspectorUpdate): void {
  const changed = Object.keys(update) as InspectorSection[];
  view.state = { ...view.state, ...update } as InspectorState;
  for (const panel of panels) if (panel.shows.some((s) => changed.includes(s))) renderPanel(panel);
  renderCounts();
}

document.addEventListener("focusout", () => {
  // After focus has moved: render what waited for it to leave.
  setTimeout(() => {
    for (const panel of panels) if (panel.deferred) renderPanel(panel);
  });
});

const app = document.getElementById("app")!;
app.replaceChildren(
  header,
  h(
    "main",
    null,
    companies.element,
    explain.element,
    catalog.element,
    events.element,
    requests.element,
    users.element,
  ),
  toast,
);
renderAll();
connect({
  path: config.streamPath,
  token: config.token,
  onUpdate: apply,
  onStatus: (isLive) => {
    live = isLive;
    renderPanel(panels[0]!);
  },
});
