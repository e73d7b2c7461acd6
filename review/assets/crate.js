// A crate's page (crate.html#KEY, or #KEY|FUNCTION to jump to a function): every unsafe
// operation by function, with its context and source excerpt; declarations; the FFI boundary.
"use strict";

function excerpt(data, span) {
  const lines = data.sources[span.file];
  if (!lines) return null;
  const first = Math.max(1, span.line - 2);
  const last = Math.max(span.end_line, span.line) + 2;
  const rows = [];
  for (let n = first; n <= last; n++) {
    if (!(n in lines)) continue;
    const hit = n >= span.line && n <= Math.max(span.end_line, span.line);
    rows.push(painter.el("span", {class: hit ? "hit" : null}, painter.el("i", {}, n), lines[n]));
  }
  return rows.length ? painter.el("pre", {class: "excerpt"}, rows) : null;
}

function context(op) {
  const parts = [];
  if (op.context === "unsafe_block") parts.push("in the unsafe block at " + painter.span(op.block));
  else if (op.context === "unsafe_fn") parts.push("directly in the body of an unsafe fn");
  else if (op.context === "generated_block") parts.push("in a compiler-generated unsafe block");
  else parts.push(op.context);
  if (op.in_unsafe_fn && op.context !== "unsafe_fn") parts.push("inside an unsafe fn");
  if (op.macro) parts.push(`from macro ${op.macro.name}` + (op.macro.krate ? ` (crate ${op.macro.krate})` : "") + ` invoked at ${painter.span(op.macro.call_site)}`);
  return parts.join("; ");
}

function renderOps(data, main) {
  const el = painter.el.bind(painter);
  const total = data.functions.reduce((n, f) => n + f.ops.length, 0);
  main.append(el("h2", {}, `Unsafe operations (${total})`));
  if (!total) main.append(el("p", {class: "muted"}, "None."));
  for (const f of data.functions) {
    const box = el("div", {class: "fn", "data-function": f.path, id: "fn-" + f.path},
      el("div", {class: "head"}, el("code", {}, f.path), " ",
        f.unsafe ? painter.tag("unsafe fn", "unsafe") : null, f.public ? painter.tag("public") : null,
        el("span", {class: "muted"}, ` ${f.ops.length} op${f.ops.length === 1 ? "" : "s"} · ${painter.span(f.span)}`)));
    for (const op of f.ops) {
      const what = op.callee || op.target;
      box.append(el("div", {class: "op", "data-kind": op.kind},
        painter.tag(op.kind, "unsafe"), what ? el("code", {}, what) : null, op.foreign ? painter.tag("foreign", "ffi") : null,
        op.own ? null : painter.tag("not the crate's own code"),
        el("div", {class: "muted"}, painter.span(op.span), " — ", context(op)),
        excerpt(data, op.shown)));
    }
    main.append(box);
  }
}

function renderDeclarations(data, main) {
  const el = painter.el.bind(painter);
  main.append(el("h2", {}, `Declarations (${data.declarations.length})`));
  if (!data.declarations.length) return main.append(el("p", {class: "muted"}, "None."));
  main.append(el("table", {id: "declarations"},
    el("tr", {}, el("th", {}, "kind"), el("th", {}, "item"), el("th", {}, "detail"), el("th", {}, "where")),
    data.declarations.map((d) => el("tr", {},
      el("td", {}, painter.tag(d.kind, "unsafe")), el("td", {}, el("code", {}, d.path)),
      el("td", {}, d.detail || "", d.own ? "" : ` (from ${d.macro})`), el("td", {class: "muted"}, painter.span(d.span))))));
}

function renderFfi(data, main) {
  const el = painter.el.bind(painter);
  const ffi = data.ffi;
  main.append(el("h2", {}, "FFI boundary"));
  const empty = !ffi.libraries.length && !ffi.imports.length && !ffi.declared.length && !ffi.exports.length && !ffi.callbacks.length;
  if (empty) return main.append(el("p", {class: "muted"}, "Nothing crosses the FFI boundary here."));
  if (ffi.libraries.length) main.append(el("h3", {}, "Native libraries"),
    el("ul", {id: "libraries"}, ffi.libraries.map((l) => el("li", {}, el("code", {}, l.name), ` (${l.kind}, ${l.source.replace("_", " ")})`))));
  if (ffi.imports.length) main.append(el("h3", {}, "Imports (foreign items used)"),
    el("table", {id: "imports"}, el("tr", {}, el("th", {}, "symbol"), el("th", {}, "item"), el("th", {}, "library"), el("th", {}, "used in")),
      ffi.imports.map((i) => el("tr", {},
        el("td", {}, el("code", {}, i.symbol), " ", painter.tag(i.item_kind, "ffi")), el("td", {}, el("code", {}, i.item_path), ` ${i.abi}`),
        el("td", {}, i.library || el("span", {class: "muted"}, "not named")),
        el("td", {}, el("details", {}, el("summary", {}, `${i.uses.length} use${i.uses.length === 1 ? "" : "s"}`),
          i.uses.map((u) => el("div", {class: "muted"}, el("code", {}, u.function || "?"), " ", painter.span(u.span)))))))));
  if (ffi.declared.length) main.append(el("h3", {}, `Foreign items declared (${ffi.declared.length})`),
    el("details", {}, el("summary", {}, "show"), el("ul", {}, ffi.declared.map((f) => el("li", {}, el("code", {}, f.path), " ", painter.tag(f.kind), f.unsafe ? "" : painter.tag("safe"))))));
  for (const [title, list, name] of [["Exports", ffi.exports, "symbol"], ["Callbacks", ffi.callbacks, "callback"]]) {
    if (!list.length) continue;
    main.append(el("h3", {}, title), el("table", {}, list.map((x) => el("tr", {},
      el("td", {}, el("code", {}, x[name])), el("td", {}, x.abi), el("td", {}, el("code", {}, x.function)), el("td", {class: "muted"}, painter.span(x.span))))));
  }
}

function renderCrate(index, main) {
  const [key, fn] = location.hash.replace(/^#/, "").split("|").map(decodeURIComponent);
  const c = index.crates.find((x) => x.key === key);
  if (!c) {
    main.append(painter.el("h1", {}, "No such crate"), painter.el("p", {}, "Pick one on the ", painter.el("a", {href: "index.html"}, "overview"), "."));
    return;
  }
  return painter.need("crate:" + c.i, `data/crates/${c.i}.js`).then((data) => {
    const el = painter.el.bind(painter);
    main.append(el("h1", {id: "crate-key"}, data.key),
      el("p", {}, data.primary ? painter.tag("workspace", "ws") : null, data.uses_unsafe ? painter.tag("uses unsafe", "unsafe") : painter.tag("no unsafe code of its own"),
        c.libs.length ? painter.tag("links " + c.libs.join(", "), "ffi") : null, data.status !== "ok" ? painter.tag("analysis failed: " + data.error, "unsafe") : null),
      el("div", {class: "cards"},
        el("div", {class: "card"}, el("b", {}, c.ops), "unsafe ops"), el("div", {class: "card"}, el("b", {}, c.own_ops), "of its own"),
        el("div", {class: "card"}, el("b", {}, data.blocks.length), "unsafe blocks"), el("div", {class: "card"}, el("b", {}, c.ffi_imports), "FFI uses")),
      data.primary ? el("p", {}, el("a", {href: "paths.html#" + encodeURIComponent(data.key)}, "Paths from this crate to unsafe code and FFI")) : null);
    renderOps(data, main);
    renderDeclarations(data, main);
    renderFfi(data, main);
    if (fn) {
      const target = document.getElementById("fn-" + fn);
      if (target) target.scrollIntoView();
    }
  });
}

painter.start(renderCrate);
window.addEventListener("hashchange", () => location.reload());
