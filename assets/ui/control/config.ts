/**
 * @module Config editor: the config file as JSON (`config.get`, secrets redacted), checked against
 * `config.schema` while typing, saved with `config.apply` and the `baseHash` it was read with. The
 * gateway's own validation errors are shown inline with their path, line and column.
 */
import { h, replace } from "../lib/dom.ts";
import { checkSchema, type Schema } from "../lib/schema-check.ts";
import type { RequestError } from "../lib/gateway-client.ts";
import { errorText, fill, section, type View, type ViewContext } from "./view.ts";

function problemsOf(schema: Schema, raw: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return [`not valid JSON: ${(err as Error).message}`];
  }
  return checkSchema(schema, value).map((p) => `${p.path}: ${p.message}`);
}

/** Selects line `line` (1-based) of the textarea so the user sees where the problem is. */
function selectLine(area: HTMLTextAreaElement, line: number): void {
  const lines = area.value.split("\n");
  const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
}

async function render(ctx: ViewContext, root: HTMLElement): Promise<void> {
  await fill(root, async () => {
    const [file, { schema, uiHints }] = await Promise.all([
      ctx.conn.request<{ path: string; exists: boolean; hash: string; config: unknown }>("config.get"),
      ctx.conn.request<{ schema: Schema; uiHints: Record<string, { label?: string; help?: string }> }>("config.schema"),
    ]);
    let baseHash = file.hash;
    const area = h("textarea", { class: "config-editor", spellcheck: "false", rows: 24, "aria-label": "config (JSON)" });
    area.value = JSON.stringify(file.config ?? {}, null, 2);
    const problems = h("ul", { class: "config-problems error", "aria-live": "polite" });
    const result = h("p", { class: "config-result", "aria-live": "polite" });
    const save = h("button", { type: "submit", class: "primary" }, "Save");
    const check = () => {
      const found = problemsOf(schema, area.value);
      replace(problems, ...found.map((p) => h("li", {}, p)));
      save.disabled = found.length > 0;
    };
    area.addEventListener("input", check);
    const form = h("form", {
      class: "config-form",
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        replace(result);
        try {
          const saved = await ctx.conn.request<{ hash: string; restartRequired: boolean }>("config.apply", { raw: area.value, ...(file.exists && { baseHash }) });
          baseHash = saved.hash;
          file.exists = true;
          replace(result, h("span", { class: "good" }, saved.restartRequired ? "Saved. Restart the gateway for the gateway settings to apply." : "Saved."));
        } catch (err) {
          const d = (err as RequestError).details ?? {};
          const where = [d.path && `at ${d.path}`, d.line && `line ${d.line}${d.column ? `, column ${d.column}` : ""}`].filter(Boolean).join(", ");
          replace(problems, h("li", {}, errorText(err), where ? ` (${where})` : ""));
          if (typeof d.line === "number") selectLine(area, d.line);
        }
      },
    }, area, problems, h("div", { class: "row" }, save, result));
    const hints = Object.entries(uiHints);
    return [
      section("Config", [h("p", { class: "muted" }, `File: ${file.path}${file.exists ? "" : " (not created yet)"}. Secrets show as redacted and are kept when saved.`), form]),
      section("Settings reference", [h("dl", { class: "facts" }, ...hints.flatMap(([path, hint]) => [h("dt", {}, h("code", {}, path)), h("dd", {}, `${hint.label ?? ""}${hint.help ? ` — ${hint.help}` : ""}`)]))]),
    ];
  });
}

/** The config view. */
export const configView: View = { id: "config", title: "Config", render };
