/** What every panel renders from: the emulator's state, the page's own choices and its actions. */
import type { InspectorCompany, InspectorState } from "../stateTypes";
import type { Actions } from "./api";

/** Choices made on the page; they survive every update. */
export interface Choices {
  /** The company (id) and flag the answer panel explains. */
  company?: string;
  flag?: string;
  /** Event filters: a type and a company id ("" for all). */
  eventType: string;
  eventCompany: string;
  /** Events shown with their JSON. */
  expanded: Set<string>;
}

export interface View {
  state: InspectorState;
  choices: Choices;
  actions: Actions;
  /** Re-renders after a change of choices. */
  refresh(): void;
}

/** A company's first key as the admin routes name it: `id:acme`. */
export const companyRef = (company: { keys: Array<{ key: string; value: string }> }): string | undefined => {
  const first = company.keys[0];
  return first && `${first.key}:${first.value}`;
};

/** Every flag key answered: catalog features, then the flags file's. */
export const flagKeys = (state: InspectorState): string[] => [
  ...Object.keys(state.catalog.features),
  ...state.catalog.flags,
];

/** A company's name, or its id when it has none. */
export const companyLabel = (company: { id: string; name: string }): string => company.name || company.id;

/** The company the answer panel explains: the one chosen, else the newest. */
export const explainedCompany = (view: View): InspectorCompany | undefined =>
  view.state.companies.items.find((c) => c.id === view.choices.company) ?? view.state.companies.items[0];
