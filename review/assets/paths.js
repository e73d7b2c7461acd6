// Paths: for each function of the workspace crates that reaches unsafe code or FFI, its
// shortest call paths to them (exact calls), each call with its span; click to expand.
// paths.html#TEXT shows the functions whose path contains TEXT (or the crate of that key).
"use strict";

function fnRow(index, f) {
  const el = painter.el.bind(painter);
  const dist = (d) => d === null ? "—" : d === 0 ? "itself" : `${d} call${d === 1 ? "" : "s"}`;
  const section = (title, paths) => paths.length ? el("div", {}, el("h3", {}, title), paths.map((p, i) => el("div", {}, el("span", {class: "muted"}, `#${i + 1}`), hopList(index, p)))) : null;
  return el("details", {class: "fn", "data-function": f.path},
    el("summary", {class: "head"}, el("code", {}, f.path), " ", f.public ? painter.tag("public") : null,
      f.own_ops ? painter.tag(`${f.own_ops} ops of its own`, "unsafe") : null,
      el("span", {class: "muted"}, ` unsafe: ${dist(f.unsafe_distance)} · FFI: ${dist(f.ffi_distance)} · ${painter.span(f.span)}`)),
    el("div", {class: "op"}, section("To unsafe code", f.to_unsafe), section("To FFI", f.to_ffi)));
}

function renderPaths(index, main) {
  const el = painter.el.bind(painter);
  const filter = painter.hashParam();
  const ws = index.crates.filter((c) => c.primary);
  main.append(el("h1", {}, "Paths to unsafe code and FFI"),
    el("p", {class: "muted"}, "Functions of the workspace crates that reach unsafe code or a foreign function through calls the types prove (exact calls), with their shortest paths. ",
      filter ? ["Showing matches of ", el("code", {}, filter), " — ", el("a", {href: "paths.html", onclick: "location.hash='';location.reload()"}, "show all")] : null));
  if (!ws.length) main.append(el("p", {}, "This graph has no workspace crate."));
  return Promise.all(ws.map((c) => painter.need("paths:" + c.i, `data/paths/${c.i}.js`))).then((all) => {
    all.forEach((data, n) => {
      const crateMatch = !filter || data.key === filter;
      const fns = crateMatch ? data.functions : data.functions.filter((f) => f.path.includes(filter));
      if (filter && !fns.length) return;
      main.append(el("h2", {"data-crate": data.key}, painter.crateLink(index, ws[n].key),
        el("span", {class: "muted"}, ` ${data.total} functions reach unsafe code or FFI` + (data.total > data.functions.length ? ` (first ${data.functions.length} listed)` : ""))));
      const sorted = [...fns].sort((a, b) => (b.public - a.public) || a.path.localeCompare(b.path));
      for (const f of sorted) main.append(fnRow(index, f));
      if (filter && fns.length === 1) main.lastChild.open = true;
    });
  });
}

painter.start(renderPaths);
window.addEventListener("hashchange", () => location.reload());
