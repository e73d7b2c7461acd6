// The overview: totals, the treemap of crates by unsafe operations (coloured by FFI), the op
// kinds, the top crates, the figures with their definitions, and every crate.
"use strict";

function ffiColour(c) {
  if (c.ffi_imports > 0 || c.libs.length) return "#7b4bb7";
  if (c.own_ops > 0) return c.primary ? "#2e7d32" : "#b3261e";
  return "#d08770";
}

function treemap(index) {
  const ns = "http://www.w3.org/2000/svg";
  const t = index.treemap;
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${t.width} ${t.height}`);
  svg.setAttribute("class", "treemap");
  svg.setAttribute("role", "img");
  for (const tile of t.tiles) {
    const c = index.crates[tile.item];
    const a = document.createElementNS(ns, "a");
    a.setAttribute("href", "crate.html#" + encodeURIComponent(c.key));
    const rect = document.createElementNS(ns, "rect");
    for (const [k, v] of Object.entries({x: tile.x, y: tile.y, width: tile.w, height: tile.h})) rect.setAttribute(k, v.toFixed(2));
    rect.setAttribute("fill", ffiColour(c));
    rect.setAttribute("data-crate", c.key);
    const title = document.createElementNS(ns, "title");
    title.textContent = `${c.key}: ${c.ops} unsafe ops (${c.own_ops} own), ${c.ffi_imports} FFI uses` + (c.libs.length ? `, links ${c.libs.join(", ")}` : "");
    rect.append(title);
    a.append(rect);
    if (tile.w > 60 && tile.h > 16) {
      const text = document.createElementNS(ns, "text");
      text.setAttribute("x", (tile.x + 4).toFixed(2));
      text.setAttribute("y", (tile.y + 14).toFixed(2));
      text.textContent = `${c.package} ${c.ops}`.slice(0, Math.floor(tile.w / 7));
      a.append(text);
    }
    svg.append(a);
  }
  return svg;
}

function renderOverview(index, main) {
  const el = painter.el.bind(painter);
  const f = index.figures;
  const ffiCrates = index.crates.filter((c) => c.ffi_imports > 0 || c.libs.length).length;
  main.append(
    el("h1", {}, "Unsafe code in ", index.title),
    el("div", {class: "cards"},
      el("div", {class: "card"}, el("b", {id: "n-crates"}, index.crates.length), "crates"),
      el("div", {class: "card"}, el("b", {id: "n-ops"}, index.stats.unsafe_ops), "unsafe operations"),
      el("div", {class: "card"}, el("b", {}, f.uses_unsafe.crates), "crates using unsafe"),
      el("div", {class: "card"}, el("b", {}, ffiCrates), "crates with FFI"),
      el("div", {class: "card"}, el("b", {}, index.stats.functions), "functions")),
    el("h2", {}, "Crates by unsafe operations"),
    el("p", {class: "legend muted"}, "Area: unsafe operations.",
      el("span", {style: "background:#7b4bb7"}), "uses FFI",
      el("span", {style: "background:#b3261e"}), "unsafe code of its own",
      el("span", {style: "background:#2e7d32"}), "workspace crate",
      el("span", {style: "background:#d08770"}), "only generated or macro-made ops"),
    treemap(index));

  const kinds = Object.entries(f.unsafe_ops_by_kind).sort((a, b) => b[1] - a[1]);
  const most = kinds.length ? kinds[0][1] : 1;
  main.append(el("h2", {}, "Unsafe operations by kind"),
    el("table", {id: "kinds"}, kinds.map(([k, n]) => el("tr", {},
      el("td", {}, el("code", {}, k)), el("td", {class: "n"}, n),
      el("td", {}, el("span", {class: "bar", style: `width:${Math.max(2, 300 * n / most)}px`}))))));

  const top = (rows, what) => el("table", {}, el("tr", {}, el("th", {}, "crate"), el("th", {class: "n"}, what)),
    rows.map(([key, n]) => el("tr", {}, el("td", {}, painter.crateLink(index, key)), el("td", {class: "n"}, n))));
  main.append(el("h2", {}, "Top crates"),
    el("div", {class: "cards"}, top(f.top_by_unsafe_ops.slice(0, 10), "unsafe ops"), top(f.top_by_ffi_imports.slice(0, 10), "FFI uses")));

  const share = (s) => s && s.crates !== undefined ? `${s.crates} of ${f.crates} (${s.percent}%)` : String(s);
  main.append(el("h2", {}, "Figures"),
    el("table", {id: "figures"}, index.definitions.map(([name, def]) => el("tr", {},
      el("td", {}, el("code", {}, name)), el("td", {class: "n"}, share(f[name])), el("td", {class: "muted"}, def)))));

  const crates = [...index.crates].sort((a, b) => b.primary - a.primary || b.ops - a.ops || a.key.localeCompare(b.key));
  main.append(el("h2", {}, "All crates"),
    el("table", {id: "crates"},
      el("tr", {}, ["crate", "unsafe ops", "own", "FFI uses", "unsafe fns", "unsafe impls", "libraries"].map((h, i) => el("th", {class: i && i < 6 ? "n" : ""}, h))),
      crates.map((c) => el("tr", {"data-crate": c.key},
        el("td", {}, painter.crateLink(index, c.key), c.primary ? painter.tag("workspace", "ws") : null, c.status !== "ok" ? painter.tag("analysis failed", "unsafe") : null),
        el("td", {class: "n"}, c.ops), el("td", {class: "n"}, c.own_ops), el("td", {class: "n"}, c.ffi_imports),
        el("td", {class: "n"}, c.unsafe_fns), el("td", {class: "n"}, c.unsafe_impls), el("td", {}, c.libs.join(", "))))));
}

painter.start(renderOverview);
