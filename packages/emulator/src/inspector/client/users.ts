/** Users with their keys, traits and the companies they belong to. */
import { chips, cut, h, keyChips, table, traitChips } from "./dom";
import { timeText } from "./format";
import type { View } from "./view";

export function renderUsers(view: View): HTMLElement {
  const rows = view.state.users.items.map((u) =>
    h(
      "tr",
      null,
      h("td", null, h("div", null, cut(u.name || u.id)), h("div", { class: "muted mono" }, u.id)),
      h("td", { class: "mono" }, keyChips(u.keys)),
      h("td", null, traitChips(u.traits)),
      h("td", null, chips(u.companies.map((c) => [c.name || c.id, c.id]))),
      h("td", { class: "mono muted" }, u.lastSeenAt ? timeText(u.lastSeenAt) : ""),
    ),
  );
  return table(["user", "keys", "traits", "companies", "last seen"], rows, "No user yet.");
}
