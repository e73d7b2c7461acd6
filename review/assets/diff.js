// The diff page: what changed between the two sides (data/diff.js, painter-review's model):
// the totals, each changed crate's added, removed and moved items, and what the workspace
// newly reaches.
"use strict";

function diffItem(sign, text, span) {
  return painter.el("li", {class: sign === "+" ? "added" : sign === "-" ? "removed" : ""},
    `${sign} `, text, span ? painter.el("span", {class: "muted"}, " " + painter.span(span)) : null);
}

function crateDiff(index, c) {
  const el = painter.el.bind(painter);
  const title = c.status === "updated" ? `${c.identity} ${c.old_key.split("@")[1]} → ${c.new_key.split("@")[1]}`
    : (c.new_key || c.old_key) + (c.status === "added" ? " (new)" : c.status === "removed" ? " (removed)" : "");
  const items = [];
  const op = (o) => [painter.tag(o.kind, "unsafe"), o.callee ? el("code", {}, o.callee) : null, " in ", el("code", {}, o.function), o.own ? null : painter.tag("not its own")];
  for (const o of c.ops.added) items.push(diffItem("+", op(o), o.span));
  for (const o of c.ops.removed) items.push(diffItem("-", op(o), o.span));
  for (const m of c.ops.moved) items.push(diffItem("~", [painter.tag(m.new.kind, "unsafe"), ` moved from ${m.old.function} to ${m.new.function}`], m.new.span));
  for (const [sign, list] of [["+", c.declarations.added], ["-", c.declarations.removed]])
    for (const d of list) items.push(diffItem(sign, [painter.tag(d.kind, "unsafe"), el("code", {}, d.path), d.detail ? ` (${d.detail})` : ""], d.span));
  for (const [sign, list] of [["+", c.ffi.libraries.added], ["-", c.ffi.libraries.removed]])
    for (const l of list) items.push(diffItem(sign, [painter.tag("native library", "ffi"), el("code", {}, l)]));
  for (const [sign, list] of [["+", c.ffi.imports.added], ["-", c.ffi.imports.removed]])
    for (const i of list) items.push(diffItem(sign, [painter.tag("foreign " + i.item_kind, "ffi"), el("code", {}, i.symbol), i.library ? ` from ${i.library}` : ""], i.span));
  for (const [what, ch] of [["export", c.ffi.exports], ["callback", c.ffi.callbacks]])
    for (const [sign, list] of [["+", ch.added], ["-", ch.removed]])
      for (const s of list) items.push(diffItem(sign, [painter.tag(what, "ffi"), el("code", {}, s.name)], s.span));
  const counts = c.status === "added" ? `${c.unsafe_ops_new} unsafe ops (${c.own_ops_new} own)` : c.status === "removed" ? `${c.unsafe_ops_old} unsafe ops` : `unsafe ops ${c.unsafe_ops_old} → ${c.unsafe_ops_new}`;
  return el("section", {class: "fn", "data-crate": c.new_key || c.old_key},
    el("div", {class: "head"}, c.new_key ? painter.crateLink(index, c.new_key) : el("b", {}, title), " ", c.status === "updated" ? title : "", " ",
      c.primary ? painter.tag("workspace", "ws") : null, painter.tag(c.status), el("span", {class: "muted"}, " " + counts)),
    items.length ? el("ul", {class: "op"}, items) : null);
}

function renderDiff(index, main) {
  const el = painter.el.bind(painter);
  if (!index.has_diff) {
    main.append(el("h1", {}, "No diff"), el("p", {}, "This report was written without a diff (cargo painter diff … --html DIR, or report --diff OLD NEW)."));
    return;
  }
  return painter.need("diff", "data/diff.js").then((d) => {
    const s = d.summary;
    main.append(el("h1", {}, `From ${d.old.label} to ${d.new.label}`),
      el("div", {class: "cards", id: "diff-summary"},
        el("div", {class: "card"}, el("b", {class: "added"}, "+" + s.ops_added), `unsafe ops (${s.ops_added_own} own)`),
        el("div", {class: "card"}, el("b", {class: "removed"}, "−" + s.ops_removed), "unsafe ops removed"),
        el("div", {class: "card"}, el("b", {}, s.ops_moved), "moved"),
        el("div", {class: "card"}, el("b", {}, s.ops_unchanged), "unchanged"),
        el("div", {class: "card"}, el("b", {}, `+${s.declarations_added} −${s.declarations_removed}`), "declarations"),
        el("div", {class: "card"}, el("b", {}, `+${s.ffi_added} −${s.ffi_removed}`), "FFI"),
        el("div", {class: "card"}, el("b", {}, `+${s.crates_added} −${s.crates_removed}`), `crates (${s.crates_updated} updated)`)),
      el("h2", {}, `Changed crates (${d.crates.length})`));
    for (const c of d.crates) main.append(crateDiff(index, c));
    const r = d.reach;
    main.append(el("h2", {}, "Reachability (exact calls)"));
    for (const [title, list, total] of [
      ["Public functions newly reaching unsafe code", r.public_reaching_unsafe, r.totals.public_reaching_unsafe],
      ["Public functions newly reaching FFI", r.public_reaching_ffi, r.totals.public_reaching_ffi],
      ["Functions with unsafe code newly reached from the workspace", r.unsafe_newly_reached, r.totals.unsafe_newly_reached],
      ["Foreign functions newly reached from the workspace", r.ffi_newly_reached, r.totals.ffi_newly_reached]]) {
      main.append(el("h3", {}, `${title}: ${total}`),
        ...list.map((item) => el("details", {class: "fn", "data-function": item.function},
          el("summary", {class: "head"}, el("code", {}, item.function), " ", el("span", {class: "muted"}, item.crate_key), item.new_function ? painter.tag("new function") : null),
          el("div", {class: "op"}, hopList(index, item.path)))));
    }
  });
}

painter.start(renderDiff);
