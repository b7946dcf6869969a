/** Companies: plan (a picker), usage meters, keys, traits and users; a click explains its answers. */
import type { WireFlagCheck } from "@schematic-sdk/core";
import type { InspectorCompany } from "../stateTypes";
import { chips, cut, h, keyChips, select, table, traitChips } from "./dom";
import { usageShare, usageText } from "./format";
import { companyLabel, companyRef, explainedCompany, type View } from "./view";

function meter(answer: WireFlagCheck): HTMLElement[] {
  const share = usageShare(answer);
  const bar =
    share === undefined
      ? h("span")
      : h(
          "div",
          { class: share >= 1 ? "bar full" : "bar" },
          h("i", { style: `width:${Math.round(share * 100)}%` }),
        );
  return [h("span", null, answer.flag), bar, h("span", { class: "muted" }, usageText(answer))];
}

function planPicker(view: View, company: InspectorCompany): HTMLElement {
  const ref = companyRef(company);
  const plans = view.state.catalog.plans;
  if (!ref || plans.length === 0) return h("span", { class: "muted" }, company.plan?.name ?? "—");
  const options: Array<[string, string]> = plans.map((p) => [p.id, p.name]);
  if (!company.plan) options.unshift(["", "— no plan —"]);
  return select(options, company.plan?.id ?? "", {
    "aria-label": `plan of ${companyLabel(company)}`,
    "data-company": ref,
    title: company.planSetAtRuntime ? "set here or through the admin routes" : "from the catalog",
    onclick: (event) => event.stopPropagation(),
    onchange: (event) => {
      const value = (event.target as HTMLSelectElement).value;
      void view.actions.setPlan(ref, value === "" ? null : value);
    },
  });
}

function row(view: View, company: InspectorCompany, explained: boolean): HTMLTableRowElement {
  const metered = company.answers.filter((a) => a.feature_usage !== null && a.feature_usage !== undefined);
  const choose = () => {
    view.choices.company = company.id;
    view.refresh();
  };
  return h(
    "tr",
    {
      class: explained ? "pick selected" : "pick",
      title: "show why it gets each answer",
      "data-company-id": company.id,
      onclick: choose,
    },
    h("td", null, h("div", null, cut(companyLabel(company))), h("div", { class: "muted mono" }, company.id)),
    h(
      "td",
      null,
      planPicker(view, company),
      company.planSetAtRuntime ? h("span", { class: "muted" }, " set") : null,
    ),
    h(
      "td",
      null,
      metered.length > 0
        ? h("div", { class: "meters" }, metered.map(meter))
        : h("span", { class: "muted" }, "—"),
    ),
    h("td", { class: "mono" }, keyChips(company.keys)),
    h("td", null, traitChips(company.traits)),
    h(
      "td",
      null,
      chips(company.users.map((x) => [x.name || x.id, x.id])),
      company.userCount > company.users.length
        ? h("span", { class: "muted" }, `and ${company.userCount - company.users.length} more`)
        : null,
    ),
  );
}

export function renderCompanies(view: View): HTMLElement {
  const explained = explainedCompany(view)?.id;
  const rows = view.state.companies.items.map((c) => row(view, c, c.id === explained));
  return table(
    ["company", "plan", "usage", "keys", "traits", "users"],
    rows,
    "No company yet: identify one from your app, or POST /companies.",
  );
}
