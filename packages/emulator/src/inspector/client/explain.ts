/**
 * One company and one flag: the answer, why (the rule, the override, the
 * plan's grant, usage against allocation), and the override to set or clear.
 */
import type { WireFlagCheck } from "@schematic-sdk/core";
import type { EntitlementValue, FeatureDefinition } from "../../catalog";
import type { InspectorCompany } from "../stateTypes";
import { type Child, h, select } from "./dom";
import { grantText, periodText, timeText, usageText } from "./format";
import { companyLabel, companyRef, explainedCompany, flagKeys, type View } from "./view";

const SOURCES: Record<string, string> = {
  company_override: "an override for this company",
  company_override_usage_exceeded: "an override for this company, used up",
  plan_entitlement: "the company's plan",
  plan_entitlement_usage_exceeded: "the company's plan, used up",
  default: "the default (nothing grants it)",
};

function featureText(feature: FeatureDefinition | undefined): string {
  if (!feature) return "a flag of the flags file";
  if (feature.type === "event") return `metered by track events "${feature.event}"`;
  if (feature.type === "trait") return `usage from the company trait "${feature.trait}"`;
  return "on or off";
}

function facts(pairs: Array<[string, Child]>): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    pairs.filter(([, v]) => v !== "" && v !== null).map(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
  );
}

function overrideEditor(
  view: View,
  company: InspectorCompany,
  flag: string,
  feature: FeatureDefinition | undefined,
) {
  const ref = companyRef(company);
  if (!ref || !feature) return null;
  const set = (value: EntitlementValue | null) => void view.actions.setOverride(ref, flag, value);
  const current = company.overrides[flag];
  const parts: Child[] = [
    h("span", { class: "muted" }, "Override:"),
    h("button", { onclick: () => set(true) }, "on"),
    h("button", { onclick: () => set(false) }, "off"),
  ];
  if (feature.type !== "boolean") {
    const allocation = h("input", { type: "number", min: "0", value: "10", "aria-label": "allocation" });
    const period =
      feature.type === "event"
        ? select(
            [
              ["all_time", "in total"],
              ["current_month", "a month"],
              ["current_week", "a week"],
              ["current_day", "a day"],
            ],
            "current_month",
            { "aria-label": "period" },
          )
        : null;
    parts.push(
      h("button", { onclick: () => set("unlimited") }, "unlimited"),
      allocation,
      period,
      h(
        "button",
        {
          onclick: () => {
            const value: EntitlementValue = { allocation: Number(allocation.value) };
            if (period && period.value !== "all_time") value.period = period.value as never;
            set(value);
          },
        },
        "set allocation",
      ),
    );
  }
  if (current !== undefined)
    parts.push(h("button", { class: "danger", onclick: () => set(null) }, `clear (${grantText(current)})`));
  return h("div", { class: "override" }, parts);
}

function answerBlock(view: View, company: InspectorCompany, answer: WireFlagCheck): HTMLElement[] {
  const { catalog } = view.state;
  const feature = Object.hasOwn(catalog.features, answer.flag) ? catalog.features[answer.flag] : undefined;
  const plan = company.plan && catalog.plans.find((p) => p.id === company.plan?.id);
  const fromPlan =
    plan && Object.hasOwn(plan.entitlements, answer.flag) ? plan.entitlements[answer.flag] : undefined;
  const runtimeOverride = company.overrides[answer.flag];
  const exceeded = answer.feature_usage_exceeded === true;
  return [
    h(
      "div",
      { class: "answer" },
      h(
        "span",
        { class: answer.value ? "badge on" : "badge off", "data-testid": "answer-value" },
        answer.value ? "on" : "off",
      ),
      exceeded ? h("span", { class: "badge warn" }, "limit reached") : null,
      h("span", { class: "reason", "data-testid": "answer-reason" }, answer.reason),
    ),
    facts([
      ["decided by", SOURCES[answer.rule_type ?? ""] ?? answer.rule_type ?? ""],
      ["rule", h("span", { class: "mono" }, `${answer.rule_type ?? ""}  ${answer.rule_id ?? ""}`)],
      ["feature", featureText(feature)],
      [
        "plan",
        company.plan ? `${company.plan.name}${company.planSetAtRuntime ? " (set at run time)" : ""}` : "none",
      ],
      ["plan grants", feature ? grantText(fromPlan) : ""],
      [
        "override",
        runtimeOverride !== undefined
          ? `${grantText(runtimeOverride)} (set at run time)`
          : answer.rule_type?.startsWith("company_override")
            ? "from the catalog file"
            : "none",
      ],
      ["usage", usageText(answer)],
      [
        "period resets",
        answer.feature_usage_reset_at
          ? `${new Date(answer.feature_usage_reset_at).toLocaleDateString()} ${timeText(answer.feature_usage_reset_at)} (${periodText(answer.feature_usage_period)})`
          : "",
      ],
    ]),
    overrideEditor(view, company, answer.flag, feature) ?? h("span"),
  ];
}

export function renderExplain(view: View): HTMLElement {
  const { state, choices } = view;
  const companies = state.companies.items;
  const flags = flagKeys(state);
  if (companies.length === 0 || flags.length === 0) {
    return h(
      "div",
      { class: "empty" },
      companies.length === 0 ? "No company yet." : "No flags: start the emulator with --catalog or --flags.",
    );
  }
  const company = explainedCompany(view)!;
  const flag = flags.includes(choices.flag ?? "") ? choices.flag! : flags[0]!;
  const answer = company.answers.find((a) => a.flag === flag);
  const pickers = h(
    "div",
    { class: "pickers" },
    select(
      companies.map((c) => [c.id, `${companyLabel(c)} (${c.id})`]),
      company.id,
      {
        "aria-label": "company to explain",
        onchange: (event) => {
          choices.company = (event.target as HTMLSelectElement).value;
          view.refresh();
        },
      },
    ),
    select(
      flags.map((f) => [f, f]),
      flag,
      {
        "aria-label": "flag to explain",
        onchange: (event) => {
          choices.flag = (event.target as HTMLSelectElement).value;
          view.refresh();
        },
      },
    ),
  );
  return h(
    "div",
    { class: "explain", "data-testid": "explain" },
    pickers,
    answer ? answerBlock(view, company, answer) : h("div", { class: "muted" }, "No answer for this flag."),
  );
}
