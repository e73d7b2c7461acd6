// Search across crates and functions: the index (data/search.js) is loaded the first time the
// box is used; matches are case-insensitive substrings, crates first, then shorter paths.
"use strict";

const WHAT = {c: "crate", o: "unsafe ops", x: "foreign", p: "reaches unsafe/FFI"};

function searchTarget(index, row) {
  const key = index.crates[row[1]].key;
  if (row[2] === "c") return "crate.html#" + encodeURIComponent(key);
  if (row[2] === "p") return "paths.html#" + encodeURIComponent(row[0]);
  return "crate.html#" + encodeURIComponent(key) + "|" + encodeURIComponent(row[0]);
}

function searchMatches(rows, query, limit) {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const found = rows.filter((r) => String(r[0]).toLowerCase().includes(q));
  found.sort((a, b) => (a[2] === "c" ? 0 : 1) - (b[2] === "c" ? 0 : 1) || a[0].length - b[0].length);
  return limit ? found.slice(0, limit) : found;
}

function searchRow(index, row) {
  return painter.el("a", {class: "result", href: searchTarget(index, row)},
    painter.el("code", {}, row[0]), " ",
    painter.tag(WHAT[row[2]], row[2] === "o" ? "unsafe" : row[2] === "x" ? "ffi" : ""),
    row[2] === "c" ? null : painter.el("span", {class: "muted"}, index.crates[row[1]].key));
}

function searchBox(index) {
  const input = document.getElementById("search");
  const box = document.getElementById("search-results");
  input.addEventListener("input", () => {
    painter.need("search", "data/search.js").then((rows) => {
      const found = searchMatches(rows, input.value, 30);
      box.replaceChildren(...found.map((r) => searchRow(index, r)));
      box.classList.toggle("open", found.length > 0);
    }).catch((e) => painter.fail(e));
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") location.href = "search.html#" + encodeURIComponent(input.value);
  });
}

// The search page: every match of the query in the URL (search.html#QUERY).
function renderSearch(index, main) {
  return painter.need("search", "data/search.js").then((rows) => {
    const query = painter.hashParam();
    const form = painter.el("input", {id: "query", type: "search", value: query, placeholder: "Search"});
    const list = painter.el("div", {id: "matches"});
    const show = () => {
      const found = searchMatches(rows, form.value, 0);
      list.replaceChildren(
        painter.el("p", {class: "muted"}, `${found.length} matches`),
        ...found.slice(0, 500).map((r) => searchRow(index, r)));
    };
    form.addEventListener("input", show);
    main.append(painter.el("h1", {}, "Search"), form, list);
    show();
  });
}

if (document.body.dataset.page === "search") painter.start(renderSearch);
