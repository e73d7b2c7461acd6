//! Neo4j: CSV files in the format of `neo4j-admin database import` (header fields `name:type`,
//! `:ID(space)`, `:LABEL`, `:START_ID(space)`, `:END_ID(space)`, `:TYPE`), plus a README with the
//! import command, in one directory. Node kinds: `Crate`, `Function` (extra labels `External`,
//! `Foreign`, `Unsafe`, `Public`), `UnsafeOp`; relationships: `CALLS` (exact), `MAY_CALL`
//! (candidate), `DEFINED_IN`, `HAS_UNSAFE_OP`.

use std::path::Path;

use painter_query::graph::CallGraph;
use painter_schema::LinkedGraph;

use crate::{ExportError, crate_label, write_atomically};

/// Node files, relationship files, each with its header (documented in docs/exports.md).
pub const FILES: [(&str, &[&str]); 6] = [
    (
        "crates.csv",
        &[
            "key:ID(Crate)",
            "name",
            "package",
            "version",
            "kind",
            "source",
            "primary:boolean",
            "status",
            "functions:long",
            "unsafe_ops:long",
            ":LABEL",
        ],
    ),
    (
        "functions.csv",
        &[
            "id:ID(Function)",
            "path",
            "crate",
            "kind",
            "unsafe:boolean",
            "public:boolean",
            "unsafe_ops:int",
            "file",
            "line:int",
            "col:int",
            ":LABEL",
        ],
    ),
    (
        "unsafe_ops.csv",
        &[
            "id:ID(UnsafeOp)",
            "kind",
            "context",
            "crate",
            "file",
            "line:int",
            "col:int",
            ":LABEL",
        ],
    ),
    (
        "calls.csv",
        &[
            ":START_ID(Function)",
            ":END_ID(Function)",
            ":TYPE",
            "kind",
            "candidate:boolean",
            "reason",
            "file",
            "line:int",
            "col:int",
        ],
    ),
    (
        "defined_in.csv",
        &[":START_ID(Function)", ":END_ID(Crate)", ":TYPE"],
    ),
    (
        "has_unsafe_op.csv",
        &[":START_ID(Function)", ":END_ID(UnsafeOp)", ":TYPE"],
    ),
];

/// The import command, as written into the README (paths relative to the export directory).
pub const IMPORT_COMMAND: &str = "neo4j-admin database import full neo4j --overwrite-destination \\
  --nodes=crates.csv --nodes=functions.csv --nodes=unsafe_ops.csv \\
  --relationships=calls.csv --relationships=defined_in.csv --relationships=has_unsafe_op.csv";

/// Write the CSV files and README.md into the directory `dir` (created if missing).
pub fn export(graph: &LinkedGraph, cg: &CallGraph<'_>, dir: &Path) -> Result<(), ExportError> {
    std::fs::create_dir_all(dir).map_err(|source| ExportError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    // Rows are produced while they are written: nothing but one row is held per file.
    let rows = |name: &str| -> Rows<'_> {
        match name {
            "crates.csv" => crate_rows(graph),
            "functions.csv" => function_rows(cg),
            "unsafe_ops.csv" => op_rows(graph),
            "calls.csv" => call_rows(cg),
            "defined_in.csv" => Box::new(cg.graph.node_indices().filter_map(|n| {
                let node = cg.node(n);
                node.crate_key
                    .map(|key| vec![node.id.to_owned(), key.to_owned(), "DEFINED_IN".into()])
            })),
            "has_unsafe_op.csv" => Box::new(graph.crates.iter().flat_map(|(key, k)| {
                k.unsafe_ops.iter().enumerate().map(move |(i, op)| {
                    vec![
                        op.function.to_string(),
                        op_id(key, i),
                        "HAS_UNSAFE_OP".into(),
                    ]
                })
            })),
            _ => unreachable!("every file has rows"),
        }
    };
    for (name, header) in FILES {
        // csv errors are I/O errors here (our records are always valid rows).
        write_atomically(&dir.join(name), |out| {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(header)?;
            for row in rows(name) {
                w.write_record(&row)?;
            }
            w.flush()
        })?;
    }
    write_atomically(&dir.join("README.md"), |out| {
        use std::io::Write;
        write!(out, "{}", readme())
    })
}

fn readme() -> String {
    format!(
        "# cargo painter graph for Neo4j\n\n\
         CSV files in the `neo4j-admin database import` format. Copy them into the import \
         directory of a stopped Neo4j 5 installation (or pass absolute paths) and run:\n\n\
         ```sh\n{IMPORT_COMMAND}\n```\n\n\
         Nodes: `Crate` (crates.csv), `Function` with extra labels `External`, `Foreign`, \
         `Unsafe`, `Public` (functions.csv), `UnsafeOp` (unsafe_ops.csv). Relationships: \
         `CALLS` / `MAY_CALL` (candidate targets of dyn, fn-pointer and generic calls) \
         (calls.csv), `DEFINED_IN` (defined_in.csv), `HAS_UNSAFE_OP` (has_unsafe_op.csv).\n\n\
         Example: public functions that reach an FFI call in at most 5 calls:\n\n\
         ```cypher\n\
         MATCH p = (f:Function:Public)-[:CALLS*1..5]->(c:Foreign)\n\
         RETURN f.path, c.path, length(p) ORDER BY length(p) LIMIT 25;\n\
         ```\n"
    )
}

/// The rows of one file, produced lazily.
type Rows<'a> = Box<dyn Iterator<Item = Vec<String>> + 'a>;

fn op_id(key: &str, index: usize) -> String {
    format!("{key}/op{index}")
}

fn crate_rows<'a>(graph: &'a LinkedGraph) -> Rows<'a> {
    Box::new(graph.crates.iter().map(|(key, k)| {
        let info = &k.krate;
        let label = if info.primary {
            "Crate;Workspace"
        } else {
            "Crate"
        };
        vec![
            key.clone(),
            info.name.clone(),
            info.package.clone(),
            info.version.clone(),
            info.kind.clone(),
            info.source.clone(),
            info.primary.to_string(),
            serde_json::to_value(k.status)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            k.counts.functions.to_string(),
            k.unsafe_ops.len().to_string(),
            label.into(),
        ]
    }))
}

fn function_rows<'a>(cg: &'a CallGraph<'a>) -> Rows<'a> {
    Box::new(cg.graph.node_indices().map(|n| {
        let node = cg.node(n);
        let f = node.function.map(|(f, _)| f);
        let mut labels = vec!["Function"];
        if node.external {
            labels.push("External");
        }
        if node.foreign {
            labels.push("Foreign");
        }
        if node.unsafe_ops > 0 {
            labels.push("Unsafe");
        }
        if f.is_some_and(|f| f.public) {
            labels.push("Public");
        }
        let opt = |v: Option<String>| v.unwrap_or_default();
        vec![
            node.id.to_owned(),
            node.path.to_owned(),
            crate_label(node),
            opt(f.map(|f| f.kind.to_string())),
            opt(f.map(|f| f.is_unsafe.to_string())),
            opt(f.map(|f| f.public.to_string())),
            node.unsafe_ops.to_string(),
            opt(f.map(|f| f.span.file.to_string())),
            opt(f.map(|f| f.span.line.to_string())),
            opt(f.map(|f| f.span.col.to_string())),
            labels.join(";"),
        ]
    }))
}

fn op_rows<'a>(graph: &'a LinkedGraph) -> Rows<'a> {
    Box::new(graph.crates.iter().flat_map(|(key, k)| {
        k.unsafe_ops.iter().enumerate().map(move |(i, op)| {
            vec![
                op_id(key, i),
                op.kind.to_string(),
                op.context.kind.to_string(),
                key.clone(),
                op.span.file.to_string(),
                op.span.line.to_string(),
                op.span.col.to_string(),
                "UnsafeOp".into(),
            ]
        })
    }))
}

fn call_rows<'a>(cg: &'a CallGraph<'a>) -> Rows<'a> {
    Box::new(cg.graph.edge_indices().map(|e| {
        let (from, to) = cg.graph.edge_endpoints(e).expect("edge exists");
        let edge = cg.edge(e);
        let span = &edge.call.span;
        vec![
            cg.node(from).id.to_owned(),
            cg.node(to).id.to_owned(),
            if edge.is_candidate() {
                "MAY_CALL"
            } else {
                "CALLS"
            }
            .into(),
            edge.kind.to_string(),
            edge.is_candidate().to_string(),
            edge.candidate.map(|c| c.reason.clone()).unwrap_or_default(),
            span.file.to_string(),
            span.line.to_string(),
            span.col.to_string(),
        ]
    }))
}
