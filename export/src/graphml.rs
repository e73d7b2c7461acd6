//! GraphML: the whole call graph with typed, declared attributes (`<key attr.type=…>`), so
//! NetworkX (`read_graphml`) and Gephi load numbers as numbers and flags as booleans.
//! Node ids are function ids; parallel edges (one per call site) are kept.

use std::io::Write;
use std::path::Path;

use painter_query::graph::{CallGraph, Edge, Node};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::{ExportError, crate_label, write_atomically};

/// A declared attribute: GraphML key id, name, and GraphML type.
struct Key {
    id: &'static str,
    name: &'static str,
    ty: &'static str,
}

const fn key(id: &'static str, name: &'static str, ty: &'static str) -> Key {
    Key { id, name, ty }
}

const NODE_KEYS: [Key; 11] = [
    key("n_path", "path", "string"),
    key("n_crate", "crate", "string"),
    key("n_kind", "kind", "string"),
    key("n_unsafe", "unsafe", "boolean"),
    key("n_public", "public", "boolean"),
    key("n_external", "external", "boolean"),
    key("n_foreign", "foreign", "boolean"),
    key("n_unsafe_ops", "unsafe_ops", "int"),
    key("n_file", "file", "string"),
    key("n_line", "line", "int"),
    key("n_col", "col", "int"),
];

const EDGE_KEYS: [Key; 7] = [
    key("e_kind", "kind", "string"),
    key("e_candidate", "candidate", "boolean"),
    key("e_reason", "reason", "string"),
    key("e_caller_crate", "caller_crate", "string"),
    key("e_file", "file", "string"),
    key("e_line", "line", "int"),
    key("e_col", "col", "int"),
];

/// Write `cg` as GraphML to `path`.
pub fn export(cg: &CallGraph<'_>, path: &Path) -> Result<(), ExportError> {
    write_atomically(path, |out| write(cg, out))
}

/// Write `cg` as GraphML.
pub fn write(cg: &CallGraph<'_>, out: impl Write) -> std::io::Result<()> {
    let mut w = Writer::new_with_indent(out, b' ', 1);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.write_event(Event::Start(BytesStart::new("graphml").with_attributes([
        ("xmlns", "http://graphml.graphdrawing.org/xmlns"),
        ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        (
            "xsi:schemaLocation",
            "http://graphml.graphdrawing.org/xmlns \
             http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        ),
    ])))?;
    for (keys, target) in [(&NODE_KEYS[..], "node"), (&EDGE_KEYS[..], "edge")] {
        for k in keys {
            w.write_event(Event::Empty(BytesStart::new("key").with_attributes([
                ("id", k.id),
                ("for", target),
                ("attr.name", k.name),
                ("attr.type", k.ty),
            ])))?;
        }
    }
    w.write_event(Event::Start(
        BytesStart::new("graph").with_attributes([("id", "calls"), ("edgedefault", "directed")]),
    ))?;
    for index in cg.graph.node_indices() {
        let node = cg.node(index);
        w.write_event(Event::Start(
            BytesStart::new("node").with_attributes([("id", node.id)]),
        ))?;
        for (k, value) in NODE_KEYS.iter().zip(node_values(node)) {
            if let Some(value) = value {
                data(&mut w, k.id, &value)?;
            }
        }
        w.write_event(Event::End(BytesEnd::new("node")))?;
    }
    for edge in cg.graph.edge_indices() {
        let (from, to) = cg.graph.edge_endpoints(edge).expect("edge exists");
        let e = cg.edge(edge);
        w.write_event(Event::Start(BytesStart::new("edge").with_attributes([
            ("id", format!("e{}", edge.index()).as_str()),
            ("source", cg.node(from).id),
            ("target", cg.node(to).id),
        ])))?;
        for (k, value) in EDGE_KEYS.iter().zip(edge_values(e)) {
            if let Some(value) = value {
                data(&mut w, k.id, &value)?;
            }
        }
        w.write_event(Event::End(BytesEnd::new("edge")))?;
    }
    w.write_event(Event::End(BytesEnd::new("graph")))?;
    w.write_event(Event::End(BytesEnd::new("graphml")))?;
    w.into_inner().write_all(b"\n")
}

fn data(w: &mut Writer<impl Write>, key: &str, value: &str) -> std::io::Result<()> {
    w.create_element("data")
        .with_attribute(("key", key))
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

/// Values in [`NODE_KEYS`] order; `None` leaves the attribute out (GraphML: unknown).
fn node_values(node: &Node<'_>) -> [Option<String>; 11] {
    let function = node.function.map(|(f, _)| f);
    [
        Some(node.path.to_owned()),
        Some(crate_label(node)),
        function.map(|f| f.kind.to_string()),
        function.map(|f| f.is_unsafe.to_string()),
        function.map(|f| f.public.to_string()),
        Some(node.external.to_string()),
        Some(node.foreign.to_string()),
        Some(node.unsafe_ops.to_string()),
        function.map(|f| f.span.file.to_string()),
        function.map(|f| f.span.line.to_string()),
        function.map(|f| f.span.col.to_string()),
    ]
}

fn edge_values(e: &Edge<'_>) -> [Option<String>; 7] {
    [
        Some(e.kind.to_string()),
        Some(e.is_candidate().to_string()),
        e.candidate.map(|c| c.reason.clone()),
        Some(e.caller_crate.to_owned()),
        Some(e.call.span.file.to_string()),
        Some(e.call.span.line.to_string()),
        Some(e.call.span.col.to_string()),
    ]
}
