/** The catalog: each feature and what every plan grants of it. */
import { h } from "./dom";
import { grantText } from "./format";
import type { View } from "./view";

export function renderCatalog(view: View): HTMLElement {
  const { features, plans, defaultPlan, planTrait, flags } = view.state.catalog;
  const keys = Object.keys(features);
  if (keys.length === 0 && flags.length === 0) {
    return h("div", { class: "empty" }, "No catalog: start the emulator with --catalog <file>.");
  }
  const head = h(
    "tr",
    null,
    h("th", null, "feature"),
    h("th", null, "type"),
    plans.map((p) => h("th", { title: p.id }, `${p.name}${p.id === defaultPlan ? " (default)" : ""}`)),
  );
  const rows = keys.map((key) => {
    const f = features[key]!;
    const detail =
      f.type === "event" ? `event "${f.event}"` : f.type === "trait" ? `trait "${f.trait}"` : "boolean";
    return h(
      "tr",
      null,
      h("td", { class: "mono" }, key),
      h("td", { class: "muted" }, detail),
      plans.map((p) => {
        const grant = Object.hasOwn(p.entitlements, key) ? p.entitlements[key] : undefined;
        return h("td", { class: grant === undefined || grant === false ? "muted" : "" }, grantText(grant));
      }),
    );
  });
  const fileFlags = flags.map((key) =>
    h(
      "tr",
      null,
      h("td", { class: "mono" }, key),
      h("td", { class: "muted", colspan: String(plans.length + 1) }, "flags file"),
    ),
  );
  return h(
    "div",
    { class: "catalog" },
    h("table", null, h("thead", null, head), h("tbody", null, rows, fileFlags)),
    planTrait ? h("div", { class: "empty" }, `A company's "${planTrait}" trait names its plan.`) : null,
  );
}
