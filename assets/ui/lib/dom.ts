/**
 * @module DOM building without HTML strings: every text goes in as a text node, so nothing from the
 * gateway or a model can become markup. `innerHTML` is never used in the UI.
 */

/** A child: a node, text (always a text node), or nothing. */
export type Child = Node | string | number | null | undefined | false;

/** Attributes and listeners of {@link h}: `on*` functions become listeners, the rest attributes. */
export type Attrs = Record<string, string | number | boolean | null | undefined | ((ev: Event) => void)>;

/**
 * Creates an element. `class`, `data-*`, `aria-*` and the like are set as attributes; booleans
 * add or omit the attribute; `onclick: fn` adds a listener.
 * @example h("button", { class: "primary", onclick: send }, "Send")
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Appends children (text as text nodes). */
export function append(el: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces the children of `el`. */
export function replace(el: Node, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
}

/** A column of {@link table}: a header and how to render a row's cell. */
export interface Column<T> {
  title: string;
  cell: (row: T) => Child;
}

/** A table with a header row, or `empty` text when there are no rows. */
export function table<T>(columns: Column<T>[], rows: T[], empty = "Nothing here yet."): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return h("div", { class: "table-wrap" },
    h("table", {},
      h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", {}, c.title)))),
      h("tbody", {}, ...rows.map((row) => h("tr", {}, ...columns.map((c) => h("td", { "data-label": c.title }, c.cell(row))))))));
}

/** A definition list of label/value pairs. */
export function facts(pairs: Array<[string, Child]>): HTMLElement {
  return h("dl", { class: "facts" }, ...pairs.flatMap(([label, value]) => [h("dt", {}, label), h("dd", {}, value)]));
}
