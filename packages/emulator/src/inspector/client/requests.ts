/** The API request log, newest first: method, path, status, latency and the fault that answered. */
import { cut, h, table } from "./dom";
import { timeText } from "./format";
import type { View } from "./view";

export function renderRequests(view: View): HTMLElement {
  const rows = view.state.requests.items.map((r) =>
    h(
      "tr",
      null,
      h("td", { class: "mono muted" }, timeText(r.at)),
      h("td", { class: "mono" }, r.method),
      h("td", { class: "mono" }, cut(r.path)),
      h(
        "td",
        { class: `mono s${String(r.status)[0]}` },
        r.status === 0 ? "…" : String(r.status),
        r.fault ? h("span", { class: "fault", title: "an injected fault answered" }, ` ${r.fault}`) : null,
      ),
      h("td", { class: "mono muted" }, r.ms === null ? "" : `${r.ms.toFixed(1)} ms`),
    ),
  );
  return table(["at", "method", "path", "status", "latency"], rows, "No API request yet.");
}
