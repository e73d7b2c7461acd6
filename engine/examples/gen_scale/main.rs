//! A synthetic dataset in the project's format (docs/schema.md, "The dataset (Parquet)") at any
//! size, for the scale benchmark (`bench_scale`, docs/benchmarks.md). Written one unit at a
//! time and large units in chunks, so memory stays bounded whatever the graph's size.
//!
//! `cargo run --release -p painter-engine --example gen_scale -- DIR FUNCTIONS CALLS [CRATES]`
//!
//! Shape: crate sizes follow a power law (size ∝ rank^-0.9), callees a power law within their
//! crate (index = ⌊n·u³⌋, so a few functions take most calls); 3 % of calls go to another crate
//! (popular crates more often), 2 % to a pool of std functions outside the graph (external),
//! 10 % are dyn / trait_generic / fn_ptr calls, a third of which have a candidate set.
//! 0.5 % of functions have 1–5 unsafe operations, 3 % of crates import 1–20 foreign
//! functions and call them. Columns are taken from `painter_dataset::table_schema`, so the files
//! have exactly the writer's schema; columns the generator does not model get the writer's
//! value for "absent" (null, empty, 0, false).

mod rows;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, RecordBatch};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::{WriterProperties, WriterVersion};
use painter_dataset::{DATASET_FORMAT, MANIFEST_FILE, Manifest, Unit, stem};
use painter_schema::{CrateInfo, SCHEMA_VERSION, Status};

use rows::{Plan, Rng};

/// Rows per batch (and so per row group at most): bounds the memory of the largest unit.
const CHUNK: usize = 1 << 20;

/// One open Parquet file of one table, written batch by batch.
struct TableFile {
    writer: ArrowWriter<std::fs::File>,
    schema: datafusion::arrow::datatypes::SchemaRef,
    rows: u64,
}

fn properties() -> WriterProperties {
    WriterProperties::builder()
        .set_created_by(painter_dataset::CREATED_BY.to_owned())
        .set_writer_version(WriterVersion::PARQUET_2_0)
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap()))
        .set_dictionary_enabled(true)
        .set_max_row_group_row_count(Some(CHUNK))
        .build()
}

impl TableFile {
    fn create(dir: &Path, table: &str, stem: &str) -> TableFile {
        let path = dir.join(table).join(format!("{stem}.parquet"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let file = std::fs::File::create(&path).unwrap();
        let schema = painter_dataset::table_schema(table)
            .or_else(|| painter_engine_schema(table))
            .unwrap_or_else(|| panic!("no schema for {table}"));
        TableFile {
            writer: ArrowWriter::try_new(file, schema.clone(), Some(properties())).unwrap(),
            schema,
            rows: 0,
        }
    }

    /// Append `n` rows: the columns `columns` names, the others filled as absent.
    fn write(&mut self, n: usize, columns: &BTreeMap<&str, ArrayRef>) {
        if n == 0 {
            return;
        }
        let schema = self.schema.clone();
        let arrays = schema
            .fields()
            .iter()
            .map(|f| match columns.get(f.name().as_str()) {
                Some(array) => array.clone(),
                None => rows::absent(f, n),
            })
            .collect();
        let batch = RecordBatch::try_new(schema, arrays).unwrap();
        self.writer.write(&batch).unwrap();
        self.rows += n as u64;
    }

    fn finish(self) -> u64 {
        self.writer.close().unwrap();
        self.rows
    }
}

/// The link tables' schemas, which the dataset writer of this branch may not know yet.
fn painter_engine_schema(table: &str) -> Option<datafusion::arrow::datatypes::SchemaRef> {
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    match table {
        "call_candidates" => Some(Arc::new(Schema::new(vec![
            Field::new("unit", DataType::Utf8, false),
            Field::new("call_index", DataType::UInt32, false),
            Field::new("set", DataType::UInt32, false),
        ]))),
        _ => None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = PathBuf::from(args.first().expect("DIR FUNCTIONS CALLS [CRATES]"));
    let functions: u64 = args.get(1).and_then(|s| s.parse().ok()).expect("FUNCTIONS");
    let calls: u64 = args.get(2).and_then(|s| s.parse().ok()).expect("CALLS");
    let crates: usize = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or((functions / 2000).max(10) as usize);
    let started = std::time::Instant::now();
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    let plan = Plan::new(functions, calls, crates, 0x5eed);
    let mut rng = Rng(0xda7a);
    let mut units = Vec::with_capacity(crates);
    let mut candidates = TableFile::create(&dir, "call_candidates", "graph");
    let mut json = rows::JsonSample::default();
    for c in 0..crates {
        let krate = &plan.crates[c];
        let key = format!("synthetic-{c}@0.1.0");
        let stem = stem(&key);
        let mut files: BTreeMap<&'static str, TableFile> = BTreeMap::new();
        rows::unit_tables(
            &plan,
            c,
            &key,
            &mut rng,
            &mut json,
            &mut |table, n, columns| {
                if table == "call_candidates" {
                    candidates.write(n, &columns);
                } else if n > 0 {
                    files
                        .entry(table)
                        .or_insert_with(|| TableFile::create(&dir, table, &stem))
                        .write(n, &columns);
                }
            },
        );
        let counts: BTreeMap<String, u64> = files
            .into_iter()
            .map(|(table, file)| (table.to_owned(), file.finish()))
            .collect();
        let mut unit_file = TableFile::create(&dir, "units", &stem);
        let info = CrateInfo {
            name: format!("synthetic_{c}"),
            package: format!("synthetic-{c}"),
            version: "0.1.0".into(),
            kind: "lib".into(),
            stable_id: format!("{:016x}", krate.crate_id),
            features: Vec::new(),
            target: "x86_64-unknown-linux-gnu".into(),
            source: "registry".into(),
            primary: c % 10 == 0,
            edition: "2021".into(),
            links: None,
            manifest_dir: None,
            configurations: Vec::new(),
        };
        unit_file.write(1, &rows::unit_row(&key, &stem, &info));
        unit_file.finish();
        units.push(Unit {
            key,
            stem,
            schema_version: SCHEMA_VERSION,
            painter_version: "synthetic".into(),
            toolchain: "synthetic".into(),
            krate: info,
            status: Status::Ok,
            error: None,
            analysis_ms: 0,
            counts: Default::default(),
            rows: counts,
            // Unknown: a rewrite by painter-dataset encodes every unit again.
            fingerprint: String::new(),
        });
    }
    let mut graph_rows = BTreeMap::new();
    graph_rows.insert("call_candidates".to_owned(), candidates.finish());
    for (table, (n, columns)) in [
        ("candidate_sets", rows::candidate_sets(&plan)),
        ("candidate_targets", rows::candidate_targets(&plan)),
    ] {
        let mut file = TableFile::create(&dir, table, "graph");
        file.write(n, &columns);
        graph_rows.insert(table.to_owned(), file.finish());
    }
    let manifest = Manifest {
        format: DATASET_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION,
        painter_version: "synthetic".into(),
        graph_format: "linked".into(),
        // `crate_ids` and `external_functions` are left to the engine's SQL link.
        linked: false,
        units,
        configurations: Vec::new(),
        graph_rows,
        stats: Default::default(),
    };
    std::fs::write(
        dir.join(MANIFEST_FILE),
        serde_json::to_vec_pretty(&manifest).unwrap(),
    )
    .unwrap();
    // Beside the dataset, not in it: the JSON size of a sample of the same records.
    let sample = serde_json::json!({
        "functions": functions, "calls": calls, "crates": crates,
        "json_bytes_per_function": json.per_function(),
        "json_bytes_per_call": json.per_call(),
        "seconds": started.elapsed().as_secs_f64(),
    });
    let side = dir.with_extension("gen.json");
    std::fs::write(&side, serde_json::to_vec_pretty(&sample).unwrap()).unwrap();
    println!("{sample}");
}
