/**
 * The inspector page at `GET /`: a shell (styles, the client script) with the
 * store's current state embedded as JSON, so it shows at once; the script
 * then keeps it current from the inspector's stream. Everything in it is
 * built from text nodes by the script, so what apps send is never markup.
 * The token authorises the page's stream and actions: only a page read from
 * this emulator knows it.
 */
import { INSPECTOR_SCRIPT } from "./clientScript";
import type { InspectorState } from "./stateTypes";
import { INSPECTOR_STYLES } from "./styles";

/** The path of the inspector's stream (a WebSocket). */
export const INSPECTOR_STREAM_PATH = "/inspector/stream";

/** What the page's script starts from. */
export interface InspectorConfig {
  token: string;
  streamPath: string;
  state: InspectorState;
}

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

/**
 * JSON safe inside a `<script>` element: no `<` (so no `</script>` or
 * `<!--`) and no line separators survive as themselves.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The whole page for `state`; `token` authorises its stream and actions. */
export function renderInspector(state: InspectorState, token: string): string {
  const config: InspectorConfig = { token, streamPath: INSPECTOR_STREAM_PATH, state };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Schematic emulator</title>
<style>${INSPECTOR_STYLES}</style>
</head><body>
<noscript><p class="noscript">The inspector needs JavaScript. The same data is JSON at
<a href="/inspector/state">/inspector/state</a>, <a href="/companies">/companies</a>, <a href="/users">/users</a>,
<a href="/events">/events</a> and <a href="/requests">/requests</a>.</p></noscript>
<div id="app"></div>
<script type="application/json" id="inspector-config">${scriptJson(config)}</script>
<script>${INSPECTOR_SCRIPT}</script>
</body></html>`;
}
