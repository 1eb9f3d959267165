import { beforeEach, describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const SOURCE = readFileSync(join(import.meta.dir, "../../assets/a2ui/a2ui.js"), "utf8");

/** Just enough DOM for the A2UI host: elements, text, attributes, click listeners. */
class FakeElement {
  children: FakeElement[] = [];
  parent: FakeElement | null = null;
  className = "";
  id = "";
  type = "";
  alt = "";
  src = "";
  private text = "";
  private readonly attrs = new Map<string, string>();
  private readonly listeners: Array<() => void> = [];
  constructor(readonly tagName: string, private readonly doc: FakeDocument) {}
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join("");
  }
  set textContent(value: string) {
    this.children = [];
    this.text = value;
  }
  get isConnected(): boolean {
    let node: FakeElement | null = this;
    while (node.parent) node = node.parent;
    return node === this.doc.body;
  }
  appendChild(child: FakeElement): FakeElement {
    child.remove();
    child.parent = this;
    this.children.push(child);
    return child;
  }
  replaceChildren(...nodes: FakeElement[]): void {
    for (const child of this.children) child.parent = null;
    this.children = [];
    this.text = "";
    for (const node of nodes) this.appendChild(node);
  }
  remove(): void {
    if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
    this.parent = null;
  }
  setAttribute(name: string, value: string): void {
    this.attrs.set(name, String(value));
  }
  getAttribute(name: string): string | null {
    return this.attrs.get(name) ?? null;
  }
  addEventListener(type: string, fn: () => void): void {
    if (type === "click") this.listeners.push(fn);
  }
  click(): void {
    for (const fn of this.listeners) fn();
  }
  /** Depth-first search by a predicate. */
  find(pred: (el: FakeElement) => boolean): FakeElement | undefined {
    for (const child of this.children) {
      if (pred(child)) return child;
      const found = child.find(pred);
      if (found) return found;
    }
    return undefined;
  }
  byComponent(id: string): FakeElement | undefined {
    return this.find((el) => el.getAttribute("data-component-id") === id);
  }
}

class FakeDocument {
  readonly body: FakeElement = new FakeElement("body", this);
  createElement(tag: string): FakeElement {
    return new FakeElement(tag, this);
  }
  getElementById(id: string): FakeElement | null {
    return this.body.find((el) => el.id === id) ?? null;
  }
}

interface Host {
  push(message: unknown): { ok: boolean; error?: string };
  pushJSONL(text: string): { ok: boolean; count: number; errors: string[] };
  reset(): { ok: boolean };
  surfaceIds(): string[];
}

let doc: FakeDocument;
let root: FakeElement;
let actions: unknown[];
let host: Host;

beforeEach(() => {
  doc = new FakeDocument();
  root = doc.createElement("div");
  root.id = "a2ui-root";
  doc.body.appendChild(root);
  const empty = doc.createElement("p");
  empty.id = "a2ui-empty";
  root.appendChild(empty);
  actions = [];
  const window: Record<string, unknown> = { Mayros: { sendUserAction: (a: unknown) => { actions.push(a); return true; } } };
  new Function("window", "document", "console", SOURCE)(window, doc, { warn: () => {} });
  host = window.mayrosA2UI as Host;
});

const components = [
  { id: "root", component: { Column: { children: { explicitList: ["title", "name", "row"] } } } },
  { id: "title", component: { Text: { text: { literalString: "Hello" }, usageHint: "h1" } } },
  { id: "name", component: { Text: { text: { path: "/user/name", literalString: "nobody" } } } },
  { id: "row", component: { Row: { children: { explicitList: ["btn"] } } } },
  { id: "btn", component: { Button: { child: "btn-label", primary: true, action: { name: "greet", context: [
    { key: "who", value: { path: "/user/name" } }, { key: "n", value: { literalNumber: 3 } },
  ] } } } },
  { id: "btn-label", component: { Text: { text: { literalString: "Greet" } } } },
];

describe("A2UI host (assets/a2ui/a2ui.js)", () => {
  it("should render a surface only once beginRendering names its root", () => {
    expect(host.push({ surfaceUpdate: { surfaceId: "main", components } })).toEqual({ ok: true });
    expect(root.find((el) => el.getAttribute("data-surface-id") === "main")).toBeUndefined();
    expect(host.push({ beginRendering: { surfaceId: "main", root: "root" } })).toEqual({ ok: true });
    const title = root.byComponent("title")!;
    expect(title.tagName).toBe("h1");
    expect(title.textContent).toBe("Hello");
    expect(root.byComponent("root")!.className).toBe("a2ui-column");
    expect(root.byComponent("row")!.className).toBe("a2ui-row");
    expect(root.byComponent("btn")!.textContent).toBe("Greet");
    expect(doc.getElementById("a2ui-empty")).toBeNull();
  });

  it("should bind text to the data model and re-render on dataModelUpdate", () => {
    host.push({ surfaceUpdate: { surfaceId: "main", components } });
    host.push({ beginRendering: { surfaceId: "main", root: "root" } });
    expect(root.byComponent("name")!.textContent).toBe("nobody");
    host.push({ dataModelUpdate: { surfaceId: "main", contents: [{ key: "user", valueMap: [{ key: "name", valueString: "Ada" }] }] } });
    expect(root.byComponent("name")!.textContent).toBe("Ada");
    host.push({ dataModelUpdate: { surfaceId: "main", path: "user", contents: [{ key: "name", valueString: "Grace" }] } });
    expect(root.byComponent("name")!.textContent).toBe("Grace");
  });

  it("should send a user action with the resolved context when a Button is clicked", () => {
    host.push({ surfaceUpdate: { surfaceId: "main", components } });
    host.push({ dataModelUpdate: { surfaceId: "main", contents: [{ key: "user", valueMap: [{ key: "name", valueString: "Ada" }] }] } });
    host.push({ beginRendering: { surfaceId: "main", root: "root" } });
    root.byComponent("btn")!.click();
    expect(actions).toEqual([{ name: "greet", surfaceId: "main", sourceComponentId: "btn", context: { who: "Ada", n: 3 } }]);
  });

  it("should keep markup in data as plain text", () => {
    host.push({ surfaceUpdate: { surfaceId: "x", components: [{ id: "t", component: { Text: { text: { literalString: "<img src=x onerror=alert(1)>" } } } }] } });
    host.push({ beginRendering: { surfaceId: "x", root: "t" } });
    expect(root.byComponent("t")!.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(root.find((el) => el.tagName === "img")).toBeUndefined();
    expect(SOURCE).not.toContain("innerHTML");
    expect(SOURCE).not.toContain("insertAdjacentHTML");
  });

  it("should survive a component that contains itself", () => {
    host.push({ surfaceUpdate: { surfaceId: "loop", components: [{ id: "a", component: { Column: { children: { explicitList: ["a", "b"] } } } }, { id: "b", component: { Text: { text: { literalString: "leaf" } } } }] } });
    expect(host.push({ beginRendering: { surfaceId: "loop", root: "a" } })).toEqual({ ok: true });
    expect(root.byComponent("a")!.textContent).toBe("leaf");
  });

  it("should apply JSONL line by line and report bad lines", () => {
    const jsonl = [
      JSON.stringify({ surfaceUpdate: { surfaceId: "main", components } }),
      "",
      JSON.stringify({ beginRendering: { surfaceId: "main", root: "root" } }),
      "{not json",
      JSON.stringify({ somethingElse: {} }),
    ].join("\n");
    const result = host.pushJSONL(jsonl);
    expect(result.ok).toBe(false);
    expect(result.count).toBe(2);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toStartWith("line 4: ");
    expect(result.errors[1]).toBe("line 5: unknown message: expected beginRendering, surfaceUpdate, dataModelUpdate or deleteSurface");
    expect(root.byComponent("title")!.textContent).toBe("Hello");
  });

  it("should delete one surface and reset all of them", () => {
    for (const surfaceId of ["a", "b"]) {
      host.push({ surfaceUpdate: { surfaceId, components: [{ id: "t", component: { Text: { text: { literalString: surfaceId } } } }] } });
      host.push({ beginRendering: { surfaceId, root: "t" } });
    }
    expect(host.surfaceIds()).toEqual(["a", "b"]);
    host.push({ deleteSurface: { surfaceId: "a" } });
    expect(host.surfaceIds()).toEqual(["b"]);
    expect(root.textContent).toBe("b");
    expect(host.reset()).toEqual({ ok: true });
    expect(host.surfaceIds()).toEqual([]);
    expect(root.textContent).toBe("");
  });

  it("should reject a message without a surfaceId", () => {
    expect(host.push({ beginRendering: { root: "x" } })).toEqual({ ok: false, error: "beginRendering: surfaceId is required" });
  });
});
