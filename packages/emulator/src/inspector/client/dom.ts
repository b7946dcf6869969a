/**
 * Builds elements from text nodes only: what apps send (names, traits,
 * event bodies) is set as text and never parsed as markup.
 */
export type Child = Node | string | number | null | undefined | false | Child[];

type Handler = (event: Event) => void;
export type Props = Record<string, string | number | boolean | Handler | null | undefined>;

const PROPERTIES = new Set(["value", "checked", "selected", "disabled"]);

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) for (const c of child) append(parent, c);
  else parent.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
}

/** `h("td", { class: "muted", title: text }, text)`; `on…` props are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (PROPERTIES.has(name)) (element as unknown as Record<string, unknown>)[name] = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

/** A value cut with an ellipsis when long, shown whole on hover. */
export function cut(text: string, className = "cut"): HTMLElement {
  return h("span", { class: className, title: text }, text);
}

/** A table with a sticky head, or a line saying there is nothing yet. */
export function table(head: string[], rows: HTMLTableRowElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h("div", { class: "empty" }, empty);
  return h(
    "table",
    null,
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        head.map((x) => h("th", null, x)),
      ),
    ),
    h("tbody", null, rows),
  );
}

/** `<select>` of `[value, label]` options. */
export function select(
  options: Array<[string, string]>,
  selected: string | undefined,
  props: Props,
): HTMLSelectElement {
  return h(
    "select",
    props,
    options.map(([value, label]) => h("option", { value, selected: value === selected }, label)),
  );
}

/** Short values side by side, wrapping between them (never inside one); `[text, title]`. */
export function chips(items: Array<[string, string]>): HTMLElement {
  return h(
    "div",
    { class: "chips" },
    items.map(([text, title]) => h("span", { class: "chip", title }, text)),
  );
}

/** Keys (or traits) as `name: value` chips. */
export function keyChips(keys: Array<{ key: string; value: string }>): HTMLElement {
  return chips(keys.map(({ key, value }) => [`${key}: ${value}`, `${key}: ${value}`]));
}

/** Traits as `name: value` chips. */
export function traitChips(traits: Record<string, unknown>): HTMLElement {
  return chips(
    Object.entries(traits).map(([k, v]) => {
      const text = `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`;
      return [text, text];
    }),
  );
}
