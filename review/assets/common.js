// cargo painter report: what every page shares. Data files call painter.load(name, value);
// pages ask for them with painter.need(name, file), which adds a <script> tag (pages opened
// from disk may not fetch() files). Plain JavaScript, no build step, no network.
"use strict";

const painter = {
  data: {},
  waiting: {},
  errors: [],

  load(name, value) {
    this.data[name] = value;
    for (const resolve of this.waiting[name] || []) resolve(value);
    delete this.waiting[name];
  },

  need(name, file) {
    if (name in this.data) return Promise.resolve(this.data[name]);
    return new Promise((resolve, reject) => {
      const first = !this.waiting[name];
      (this.waiting[name] = this.waiting[name] || []).push(resolve);
      if (!first) return;
      const tag = document.createElement("script");
      tag.src = file;
      tag.onerror = () => reject(new Error("cannot load " + file));
      document.head.appendChild(tag);
    });
  },

  index() { return this.need("index", "data/index.js"); },

  // `el("a", {href: "x"}, "text", child)`: an element with attributes and children.
  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v; else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : String(c));
    }
    return node;
  },

  span(s) { return s ? `${s.file}:${s.line}:${s.col}` : ""; },

  crateLink(index, key) {
    const c = index.crates.find((x) => x.key === key);
    return c ? this.el("a", {href: "crate.html#" + encodeURIComponent(key)}, key) : key || "external";
  },

  hashParam() { return decodeURIComponent(location.hash.replace(/^#/, "")); },

  tag(text, cls) { return this.el("span", {class: "tag " + (cls || "")}, text); },

  header(index) {
    const top = document.getElementById("top");
    top.replaceChildren(
      this.el("a", {class: "brand", href: "index.html"}, "cargo painter"),
      this.el("span", {class: "muted"}, index.title),
      this.el("nav", {},
        this.el("a", {href: "index.html"}, "Overview"),
        this.el("a", {href: "paths.html"}, "Paths"),
        index.has_diff ? this.el("a", {href: "diff.html"}, "Diff") : null,
        this.el("a", {href: "search.html"}, "Search")),
      this.el("div", {class: "search"},
        this.el("input", {id: "search", type: "search", placeholder: "Search functions and crates", autocomplete: "off"}),
        this.el("div", {id: "search-results"})));
    searchBox(index);
  },

  // Run a page: load the index, draw the header, then the page; mark the body when done so
  // that tests (and people) know the page is complete.
  start(render) {
    this.index()
      .then(async (index) => {
        this.header(index);
        const main = document.getElementById("main");
        main.replaceChildren();
        await render(index, main);
        document.body.dataset.ready = "1";
      })
      .catch((e) => this.fail(e));
  },

  fail(e) {
    this.errors.push(String(e && e.message || e));
    document.body.dataset.errors = this.errors.join("\n");
    const main = document.getElementById("main");
    if (main) main.append(this.el("p", {class: "error"}, "Error: " + (e && e.message || e)));
    console.error(e);
  },
};

// A call path: the start, then each call with its kind, span and callee.
function hopList(index, hops) {
  const el = painter.el.bind(painter);
  if (!hops.length) return el("p", {class: "muted"}, "The function itself is the target.");
  return el("ol", {class: "path"},
    el("li", {}, el("code", {}, hops[0].caller)),
    hops.map((h) => el("li", {}, el("span", {class: "muted"}, `--${h.kind}--> at ${painter.span(h.span)} `),
      el("code", {}, h.callee), " ", h.callee_crate ? el("span", {class: "muted"}, "[", painter.crateLink(index, h.callee_crate), "]") : null)));
}

window.addEventListener("error", (e) => painter.fail(e.message));
