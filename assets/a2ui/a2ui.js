/*
 * Mayros A2UI host: renders A2UI v0.8 messages (beginRendering, surfaceUpdate, dataModelUpdate,
 * deleteSurface) into the DOM. Node apps drive it through window.mayrosA2UI.push(message),
 * .pushJSONL(text) and .reset(). Data is only set through textContent and element properties,
 * never parsed as markup.
 */
(function () {
  "use strict";
  var MAX_DEPTH = 64;
  var UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
  var surfaces = new Map(); // surfaceId -> { components: Map, root, data, el }

  function container() { return document.getElementById("a2ui-root") || document.body; }

  function surface(id) {
    var s = surfaces.get(id);
    if (!s) {
      var el = document.createElement("section");
      el.className = "a2ui-surface";
      el.setAttribute("data-surface-id", id);
      s = { components: new Map(), root: null, data: Object.create(null), el: el };
      surfaces.set(id, s);
    }
    return s;
  }

  function splitPath(path) {
    return String(path).split("/").filter(function (p) { return p !== "" && p !== "."; });
  }

  function lookup(data, path, scope) {
    var parts = String(path).charAt(0) === "/" ? splitPath(path) : splitPath(scope || "").concat(splitPath(path));
    var cur = data;
    for (var i = 0; i < parts.length; i++) {
      if (cur === null || typeof cur !== "object" || UNSAFE_KEYS.has(parts[i])) return undefined;
      cur = cur[parts[i]];
    }
    return cur;
  }

  // A BoundValue: {literalString|literalNumber|literalBoolean} and/or {path}.
  function resolve(bound, s, scope) {
    if (bound === null || typeof bound !== "object") return bound;
    if (typeof bound.path === "string") {
      var v = lookup(s.data, bound.path, scope);
      if (v !== undefined) return v;
    }
    if ("literalString" in bound) return bound.literalString;
    if ("literalNumber" in bound) return bound.literalNumber;
    if ("literalBoolean" in bound) return bound.literalBoolean;
    return undefined;
  }

  function toText(v) { return v === undefined || v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v); }

  // dataModelUpdate contents: [{key, valueString|valueNumber|valueBoolean|valueMap}]
  function fromContents(contents) {
    var out = Object.create(null);
    (Array.isArray(contents) ? contents : []).forEach(function (entry) {
      if (!entry || typeof entry.key !== "string" || UNSAFE_KEYS.has(entry.key)) return;
      if ("valueString" in entry) out[entry.key] = entry.valueString;
      else if ("valueNumber" in entry) out[entry.key] = entry.valueNumber;
      else if ("valueBoolean" in entry) out[entry.key] = entry.valueBoolean;
      else if ("valueMap" in entry) out[entry.key] = fromContents(entry.valueMap);
    });
    return out;
  }

  function childIds(children, s, scope) {
    if (!children) return [];
    if (Array.isArray(children.explicitList)) return children.explicitList.map(function (id) { return { id: id, scope: scope }; });
    var t = children.template;
    if (t && typeof t.componentId === "string" && typeof t.dataBinding === "string") {
      var items = lookup(s.data, t.dataBinding, scope);
      if (!items || typeof items !== "object") return [];
      var base = t.dataBinding.charAt(0) === "/" ? t.dataBinding : (scope || "") + "/" + t.dataBinding;
      return Object.keys(items).map(function (k) { return { id: t.componentId, scope: base + "/" + k }; });
    }
    return [];
  }

  function safeUrl(url) {
    url = toText(url);
    if (/^(https?:|blob:|data:image\/)/i.test(url)) return url;
    return /^[a-z][a-z0-9+.-]*:/i.test(url) ? "" : url; // relative is fine, other schemes are not
  }

  function el(tag, className) { var e = document.createElement(tag); if (className) e.className = className; return e; }

  function build(s, id, scope, depth, trail) {
    var def = s.components.get(id);
    if (!def || depth > MAX_DEPTH || trail.indexOf(id) !== -1) return null;
    trail = trail.concat(id);
    var kind = Object.keys(def)[0];
    var props = def[kind] || {};
    var node;
    var appendChildren = function (parent, children) {
      childIds(children, s, scope).forEach(function (c) {
        var child = build(s, c.id, c.scope, depth + 1, trail);
        if (child) parent.appendChild(child);
      });
    };
    switch (kind) {
      case "Text": {
        var hint = props.usageHint;
        node = el(/^h[1-5]$/.test(hint) ? hint : hint === "caption" ? "small" : "p", hint === "caption" ? "a2ui-caption" : "a2ui-text");
        node.textContent = toText(resolve(props.text, s, scope));
        break;
      }
      case "Column": case "Row": case "List":
        node = el("div", kind === "Row" || props.direction === "horizontal" ? "a2ui-row" : "a2ui-column");
        appendChildren(node, props.children);
        break;
      case "Card":
        node = el("div", "a2ui-card");
        appendChildren(node, { explicitList: props.child ? [props.child] : [] });
        break;
      case "Divider":
        node = el("hr", "a2ui-divider");
        break;
      case "Image":
        node = el("img", "a2ui-image");
        node.alt = toText(resolve(props.altText, s, scope));
        var src = safeUrl(resolve(props.url, s, scope));
        if (src) node.src = src;
        break;
      case "Button": {
        node = el("button", "a2ui-button" + (props.primary ? " primary" : ""));
        node.type = "button";
        var label = props.child ? build(s, props.child, scope, depth + 1, trail) : null;
        if (label) node.appendChild(label); else node.textContent = toText(resolve(props.label, s, scope)) || "OK";
        var action = props.action || {};
        node.addEventListener("click", function () {
          var context = {};
          (Array.isArray(action.context) ? action.context : []).forEach(function (entry) {
            if (entry && typeof entry.key === "string" && !UNSAFE_KEYS.has(entry.key)) context[entry.key] = resolve(entry.value, s, scope);
          });
          var bridge = window.Mayros;
          var payload = { name: String(action.name || id), surfaceId: s.el.getAttribute("data-surface-id"), sourceComponentId: id, context: context };
          if (!bridge || typeof bridge.sendUserAction !== "function" || !bridge.sendUserAction(payload)) {
            console.warn("mayros a2ui: no native bridge for user action", payload);
          }
        });
        break;
      }
      default:
        node = el("div", "a2ui-unsupported");
        node.textContent = "[unsupported component: " + toText(kind) + "]";
    }
    node.setAttribute("data-component-id", id);
    return node;
  }

  function render(s) {
    if (s.root === null) return;
    var empty = document.getElementById("a2ui-empty");
    if (empty) empty.remove();
    if (!s.el.isConnected) container().appendChild(s.el);
    var tree = build(s, s.root, "", 0, []);
    s.el.replaceChildren.apply(s.el, tree ? [tree] : []);
  }

  function setAt(data, path, value) {
    var parts = splitPath(path);
    if (parts.some(function (p) { return UNSAFE_KEYS.has(p); })) return data;
    if (parts.length === 0) return value;
    var cur = data;
    for (var i = 0; i < parts.length - 1; i++) {
      if (cur[parts[i]] === null || typeof cur[parts[i]] !== "object") cur[parts[i]] = Object.create(null);
      cur = cur[parts[i]];
    }
    var last = parts[parts.length - 1];
    var prev = cur[last];
    cur[last] = prev && typeof prev === "object" ? Object.assign(prev, value) : value;
    return data;
  }

  function requireId(body, kind) {
    if (!body || typeof body.surfaceId !== "string" || !body.surfaceId) throw new Error(kind + ": surfaceId is required");
    return body.surfaceId;
  }

  function apply(msg) {
    if (!msg || typeof msg !== "object") throw new Error("message must be a JSON object");
    var s;
    if (msg.surfaceUpdate) {
      s = surface(requireId(msg.surfaceUpdate, "surfaceUpdate"));
      (Array.isArray(msg.surfaceUpdate.components) ? msg.surfaceUpdate.components : []).forEach(function (c) {
        if (c && typeof c.id === "string" && c.component && typeof c.component === "object") s.components.set(c.id, c.component);
      });
      render(s);
    } else if (msg.dataModelUpdate) {
      var u = msg.dataModelUpdate;
      s = surface(requireId(u, "dataModelUpdate"));
      s.data = setAt(s.data, u.path || "/", fromContents(u.contents));
      render(s);
    } else if (msg.beginRendering) {
      var b = msg.beginRendering;
      if (typeof b.root !== "string") throw new Error("beginRendering: root is required");
      s = surface(requireId(b, "beginRendering"));
      s.root = b.root;
      render(s);
    } else if (msg.deleteSurface) {
      var id = requireId(msg.deleteSurface, "deleteSurface");
      s = surfaces.get(id);
      if (s) { s.el.remove(); surfaces.delete(id); }
    } else {
      throw new Error("unknown message: expected beginRendering, surfaceUpdate, dataModelUpdate or deleteSurface");
    }
  }

  function push(message) {
    try {
      apply(typeof message === "string" ? JSON.parse(message) : message);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: String(err && err.message || err) };
    }
  }

  function pushJSONL(text) {
    var errors = [];
    var count = 0;
    String(text || "").split(/\r?\n/).forEach(function (line, i) {
      if (!line.trim()) return;
      var r = push(line);
      if (r.ok) count++; else errors.push("line " + (i + 1) + ": " + r.error);
    });
    return { ok: errors.length === 0, count: count, errors: errors };
  }

  function reset() {
    surfaces.forEach(function (s) { s.el.remove(); });
    surfaces.clear();
    return { ok: true };
  }

  window.mayrosA2UI = { push: push, pushJSONL: pushJSONL, reset: reset, surfaceIds: function () { return Array.from(surfaces.keys()); } };
})();
