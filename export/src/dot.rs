//! DOT (Graphviz): a subgraph a person can look at. Whole call graphs of real trees have
//! hundreds of thousands of edges, so the usual input is a selection: the call paths from some
//! functions to unsafe code, FFI or other functions ([`Selection::Paths`]), or what some
//! functions call within a few calls ([`Selection::Around`]). Functions are clustered by
//! crate; bodies with unsafe ops are red, foreign functions orange boxes, candidate edges dashed.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::io::Write;
use std::path::Path;

use painter_query::graph::CallGraph;
use painter_query::reach::{Edges, PathLimits, Target, reach};
use petgraph::Direction;
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::{ExportError, crate_label, write_atomically};

/// Which part of the graph to draw.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Everything (only sensible for small graphs).
    All,
    /// The call paths (up to `limits.max_paths`, shortest first) from functions matching `from`
    /// to `to`.
    Paths {
        from: String,
        to: Target,
        limits: PathLimits,
    },
    /// Functions matching `from` and what they call within `depth` calls.
    Around { from: String, depth: u32 },
}

/// The nodes and edges a selection picks, in graph order.
#[derive(Debug, Default)]
pub struct Subgraph {
    pub nodes: BTreeSet<NodeIndex>,
    pub edges: BTreeSet<EdgeIndex>,
}

/// Pick the part of `cg` that `selection` names, following `edges`.
pub fn select(cg: &CallGraph<'_>, selection: &Selection, edges: Edges) -> Subgraph {
    let mut sub = Subgraph::default();
    match selection {
        Selection::All => {
            sub.nodes.extend(cg.graph.node_indices());
            sub.edges.extend(
                cg.graph
                    .edge_indices()
                    .filter(|&e| edges.follows(cg.edge(e))),
            );
        }
        Selection::Paths { from, to, limits } => {
            let reach = reach(cg, to, edges);
            let starts = cg.find(from);
            sub.nodes.extend(&starts);
            for path in reach.paths(cg, &starts, *limits) {
                for step in path {
                    sub.nodes.extend([step.from, step.to]);
                    sub.edges.insert(step.edge);
                }
            }
        }
        Selection::Around { from, depth } => {
            let mut seen: HashMap<NodeIndex, u32> = HashMap::new();
            let mut queue = VecDeque::new();
            for start in cg.find(from) {
                seen.insert(start, 0);
                queue.push_back(start);
            }
            while let Some(node) = queue.pop_front() {
                let d = seen[&node];
                if d >= *depth {
                    continue;
                }
                for e in cg.graph.edges_directed(node, Direction::Outgoing) {
                    if !edges.follows(e.weight()) {
                        continue;
                    }
                    sub.edges.insert(e.id());
                    seen.entry(e.target()).or_insert_with(|| {
                        queue.push_back(e.target());
                        d + 1
                    });
                }
            }
            sub.nodes.extend(seen.keys());
        }
    }
    sub
}

/// Write `sub` of `cg` as DOT to `path`.
pub fn export(cg: &CallGraph<'_>, sub: &Subgraph, path: &Path) -> Result<(), ExportError> {
    write_atomically(path, |out| write(cg, sub, out))
}

/// Write `sub` of `cg` as a DOT digraph, one cluster per crate.
pub fn write(cg: &CallGraph<'_>, sub: &Subgraph, mut out: impl Write) -> std::io::Result<()> {
    writeln!(out, "digraph calls {{")?;
    writeln!(
        out,
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11];"
    )?;
    writeln!(
        out,
        "  node [shape=box, style=\"rounded,filled\", fillcolor=white, fontname=\"Helvetica\", fontsize=10];"
    )?;
    writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=8];")?;
    let mut clusters: BTreeMap<String, Vec<NodeIndex>> = BTreeMap::new();
    for &n in &sub.nodes {
        clusters.entry(crate_label(cg.node(n))).or_default().push(n);
    }
    for (i, (label, nodes)) in clusters.iter().enumerate() {
        writeln!(out, "  subgraph cluster_{i} {{")?;
        writeln!(
            out,
            "    label={}; style=rounded; color=gray60;",
            quote(label)
        )?;
        for &n in nodes {
            let node = cg.node(n);
            let mut attrs = vec![format!("label={}", quote(&short_path(node.path, node.id)))];
            if node.foreign {
                attrs.push("shape=box, style=filled, fillcolor=orange".into());
            } else if node.unsafe_ops > 0 {
                attrs.push(format!(
                    "fillcolor=\"#f4a6a6\", xlabel=\"{} unsafe\"",
                    node.unsafe_ops
                ));
            }
            attrs.push(format!("tooltip={}", quote(node.path)));
            writeln!(out, "    n{} [{}];", n.index(), attrs.join(", "))?;
        }
        writeln!(out, "  }}")?;
    }
    for &e in &sub.edges {
        let (from, to) = cg.graph.edge_endpoints(e).expect("edge exists");
        let edge = cg.edge(e);
        let span = &edge.call.span;
        let mut label = format!("{} {}:{}", edge.kind, span.file, span.line);
        let mut attrs = Vec::new();
        if edge.is_instance() {
            // Exact, from an instantiation of the generic caller (docs/linker.md#instantiations).
            label = format!(
                "{} {}:{} (via instantiation)",
                edge.kind, span.file, span.line
            );
        } else if let Some(candidate) = edge.candidate {
            label = format!("{} (candidate)", edge.kind);
            attrs.push(format!(
                "style=dashed, tooltip={}",
                quote(&candidate.reason)
            ));
        }
        attrs.insert(0, format!("label={}", quote(&label)));
        writeln!(
            out,
            "  n{} -> n{} [{}];",
            from.index(),
            to.index(),
            attrs.join(", ")
        )?;
    }
    writeln!(out, "}}")
}

/// A DOT string literal: only `"` and `\` need escaping (newlines are written as `\n`).
fn quote(text: &str) -> String {
    let mut q = String::with_capacity(text.len() + 2);
    q.push('"');
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                q.push('\\');
                q.push(c);
            }
            '\n' => q.push_str("\\n"),
            _ => q.push(c),
        }
    }
    q.push('"');
    q
}

/// A label short enough to read: the path, or the id when the path is unknown; long generic
/// paths are cut in the middle.
fn short_path(path: &str, id: &str) -> String {
    const MAX: usize = 60;
    let text = if path.is_empty() { id } else { path };
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX {
        return text.to_owned();
    }
    let head: String = chars[..MAX / 2 - 2].iter().collect();
    let tail: String = chars[chars.len() - (MAX / 2 - 2)..].iter().collect();
    format!("{head}…{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_shortening() {
        assert_eq!(quote(r#"<a as "b">\n"#), r#""<a as \"b\">\\n""#);
        assert_eq!(quote("two\nlines"), r#""two\nlines""#);
        let long = format!("crate::{}::f", "m".repeat(100));
        let short = short_path(&long, "id");
        assert!(
            short.chars().count() < 60 && short.starts_with("crate::") && short.ends_with("::f")
        );
        assert_eq!(short_path("", "ab:cd"), "ab:cd");
    }
}
