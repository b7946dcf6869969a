/**
 * The HTML page at `GET /`: companies (plan, usage, keys, traits, users),
 * users and the latest events, refreshing itself every two seconds, with a
 * plan picker per company when a catalog is loaded. Everything shown is user
 * data, so every value is escaped; API keys are masked. The page's actions
 * carry a token only a page read from this emulator can know.
 */
import { maskKey, type WireCompany, type WireEntityKey } from "@schematic-sdk/core";
import type { EmulatorStore } from "./store";

const SHOWN = 200;
const SHOWN_EVENTS = 50;

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const keysText = (keys: WireEntityKey[]) => keys.map((k) => `${k.key}: ${k.value}`).join(", ");
/** JSON for a cell; a value that cannot be serialised is shown as such rather than breaking the page. */
const json = (value: unknown) => {
  try {
    return value === undefined ? "" : JSON.stringify(value);
  } catch {
    return "[cannot be shown]";
  }
};
const mask = (key: string | null) => (key ? maskKey(key) : "");
const cell = (value: unknown) => `<td>${escapeHtml(value)}</td>`;
const row = (cells: unknown[]) => `<tr>${cells.map(cell).join("")}</tr>`;

function table(title: string, total: number, head: string[], rows: string[]): string {
  const more = total > rows.length ? ` (latest ${rows.length} of ${total})` : "";
  const body = rows.length > 0 ? rows.join("\n") : `<tr><td colspan="${head.length}">none yet</td></tr>`;
  return `<h2>${escapeHtml(title)} <small>${total}${escapeHtml(more)}</small></h2>
<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr></thead>
<tbody>
${body}
</tbody></table>`;
}

function companyKey(company: WireCompany): string | undefined {
  const first = company.keys[0];
  return first && `${first.key}:${first.value}`;
}

/** The plan picker and the usage meters of one company. */
function planCells(store: EmulatorStore, company: WireCompany, planKeys: string[]): string {
  const key = companyKey(company);
  if (!key || planKeys.length === 0) return "<td></td><td></td>";
  const { flags, plan } = store.answersFor({
    company: Object.fromEntries([[company.keys[0]!.key, company.keys[0]!.value]]),
  });
  const options = planKeys
    .map(
      (p) => `<option value="${escapeHtml(p)}"${plan?.id === p ? " selected" : ""}>${escapeHtml(p)}</option>`,
    )
    .join("");
  const select = `<select data-company="${escapeHtml(key)}" aria-label="plan">${plan ? "" : "<option selected>—</option>"}${options}</select>`;
  const meters = flags
    .filter((f) => f.entitlement)
    .map((f) => {
      const e = f.entitlement!;
      const used =
        e.usage === null || e.usage === undefined
          ? ""
          : `${e.usage}${e.allocation == null ? "" : ` / ${e.allocation}`} `;
      return `${f.flag}: ${used}${f.value ? "✓" : "✗"}`;
    })
    .join(", ");
  return `<td>${select}</td>${cell(meters)}`;
}

const SCRIPT = (token: string) => `<script>
document.addEventListener("change", async (event) => {
  const select = event.target;
  if (!(select instanceof HTMLSelectElement) || !select.dataset.company) return;
  await fetch("/admin/companies/" + encodeURIComponent(select.dataset.company) + "/plan", {
    method: "PUT",
    headers: { "content-type": "application/json", "x-schematic-emulator-token": ${JSON.stringify(token)} },
    body: JSON.stringify({ plan: select.value }),
  });
  location.reload();
});
</script>`;

/** The whole page for the store's current state; `token` authorises its actions. */
export function renderInspector(store: EmulatorStore, token: string): string {
  const planKeys = Object.keys(store.getCatalog().plans);
  const companies = store.companies();
  const users = store.users();
  const events = store.events();
  const stats = store.stats();
  const companyNames = new Map(companies.map((c) => [c.id, c.name || c.id]));
  const usersByCompany = new Map<string, string[]>();
  for (const user of users) {
    for (const m of user.company_memberships) {
      const list = usersByCompany.get(m.company_id) ?? [];
      list.push(user.name || keysText(user.keys));
      usersByCompany.set(m.company_id, list);
    }
  }
  const companyRows = companies
    .slice(-SHOWN)
    .reverse()
    .map((c) => {
      const cells = [c.name, c.id].map(cell).join("") + planCells(store, c, planKeys);
      const rest = [keysText(c.keys), json(c.traits), (usersByCompany.get(c.id) ?? []).join(", ")];
      return `<tr>${cells}${rest.map(cell).join("")}</tr>`;
    });
  const userRows = users
    .slice(-SHOWN)
    .reverse()
    .map((u) =>
      row([
        u.name,
        u.id,
        keysText(u.keys),
        json(u.traits),
        u.company_memberships.map((m) => companyNames.get(m.company_id) ?? m.company_id).join(", "),
      ]),
    );
  const eventRows = events
    .slice(-SHOWN_EVENTS)
    .reverse()
    .map((e) =>
      row([
        e.received_at,
        e.type,
        e.via,
        json(e.body),
        e.tracker_event_id ?? e.idempotency_key ?? "",
        mask(e.api_key),
      ]),
    );
  const summary =
    `${stats.requests} API requests · ${stats.eventsReceived} events received · ` +
    `${stats.duplicates} duplicates ignored · ${stats.faults.failed} failed and ${stats.faults.rateLimited} rate-limited by fault injection`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="2">
<link rel="icon" href="data:,">
<title>Schematic emulator</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1a1a1a}
table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top;word-break:break-word}
th{background:#f4f4f4}small{color:#666;font-weight:normal}
code{background:#f4f4f4;padding:0 .2rem}
</style></head><body>
<h1>Schematic emulator</h1>
<p>${escapeHtml(summary)}. JSON: <a href="/companies"><code>/companies</code></a> <a href="/users"><code>/users</code></a>
<a href="/events"><code>/events</code></a> <a href="/stats"><code>/stats</code></a> <a href="/requests"><code>/requests</code></a>. This page refreshes every 2 s.</p>
${table("Companies", companies.length, ["name", "id", "plan", "usage", "keys", "traits", "users"], companyRows)}
${table("Users", users.length, ["name", "id", "keys", "traits", "companies"], userRows)}
${table("Events", events.length, ["received", "type", "via", "body", "event id", "key"], eventRows)}
${SCRIPT(token)}
</body></html>`;
}
