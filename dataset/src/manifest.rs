//! `manifest.json`: what a dataset holds — its format and version, the linked graph's own
//! header fields, one entry per unit (crate info, status, counts, the file stem of its table
//! files and how many rows each holds), the configurations and the link statistics.
//! Small, JSON, rewritten whole on every write; the tables are the bulk.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use painter_schema::{Configuration, Counts, CrateInfo, LinkStats, Status};

/// `format` of a dataset manifest.
pub const DATASET_FORMAT: &str = "painter-dataset";

/// The manifest's file name in a dataset directory.
pub const MANIFEST_FILE: &str = "manifest.json";

impl Manifest {
    /// A digest of which units the dataset holds and of their facts (keys and fingerprints):
    /// what caches of a dataset's units are keyed on. Writing the link's answers back does not
    /// change it.
    pub fn units_digest(&self) -> String {
        use std::hash::Hasher;
        let mut hasher = twox_hash::XxHash3_64::with_seed(0);
        for unit in &self.units {
            hasher.write(unit.key.as_bytes());
            hasher.write_u8(0);
            hasher.write(unit.fingerprint.as_bytes());
            hasher.write_u8(0);
        }
        format!("{:016x}", hasher.finish())
    }
}

fn linked_by_default() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`DATASET_FORMAT`].
    pub format: String,
    /// [`painter_schema::SCHEMA_VERSION`]: the dataset is versioned with the JSON formats.
    pub schema_version: u32,
    /// The linked graph's `painter_version` (the tool that linked it).
    pub painter_version: String,
    /// The linked graph's `format` (`"linked"`).
    pub graph_format: String,
    /// Whether the graph-wide tables (the link's answers) and `stats` are there. `false` after
    /// an incremental update of some units (`painter_dataset::update_units`): the per-unit
    /// files are complete, and a reader links them (`painter_linker::read_graph` does, and
    /// writes the answers back).
    #[serde(default = "linked_by_default")]
    pub linked: bool,
    /// One per crate of the linked graph, in key order.
    pub units: Vec<Unit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurations: Vec<Configuration>,
    /// Rows of each graph-wide table (`painter_dataset::GRAPH_TABLES`); a table with 0 rows
    /// has no file.
    pub graph_rows: BTreeMap<String, u64>,
    pub stats: LinkStats,
}

/// One unit (crate) of the linked graph: the per-crate header fields, which are not rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The crate's key in the linked graph (`package@version`, `…#bin:<name>`, …).
    pub key: String,
    /// The file name (without `.parquet`) of this unit's file in every table directory.
    pub stem: String,
    pub schema_version: u32,
    pub painter_version: String,
    pub toolchain: String,
    #[serde(rename = "crate")]
    pub krate: CrateInfo,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub analysis_ms: u64,
    pub counts: Counts,
    /// Rows of each of this unit's tables; a table with 0 rows has no file for the unit.
    pub rows: BTreeMap<String, u64>,
    /// xxh3-64 of the Arrow columns of all the unit's tables (16 hex digits): a rewrite whose
    /// unit has the same fingerprint and still has its files skips encoding them. Empty when
    /// unknown (then the unit is always encoded).
    #[serde(default)]
    pub fingerprint: String,
}

impl Unit {
    pub fn status_str(&self) -> &'static str {
        match self.status {
            Status::Ok => "ok",
            Status::Failed => "failed",
        }
    }
}

/// The file stem of a unit: its key with every character outside `[A-Za-z0-9._@+-]` replaced
/// by `_` and, when anything was replaced, a hash of the key appended so that two keys never
/// share a stem. Depends on the key alone, so a unit's files keep their names across runs.
pub fn stem(key: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "._@+-".contains(c);
    let mut stem: String = key.chars().map(|c| if safe(c) { c } else { '_' }).collect();
    if stem != key {
        stem.push_str(&format!("-{:08x}", fnv1a(key.as_bytes()) as u32));
    }
    stem
}

/// FNV-1a, 64 bits: a hash fixed forever (std's hashers are not), for file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn stems_are_file_names_and_tell_keys_apart() {
        assert_eq!(stem("demo-core@0.1.0"), "demo-core@0.1.0");
        let bin = stem("demo@0.1.0#bin:demo");
        assert!(bin.starts_with("demo@0.1.0_bin_demo-"), "{bin}");
        assert_ne!(bin, stem("demo@0.1.0#bin_demo"));
        assert_eq!(bin, stem("demo@0.1.0#bin:demo"));
    }
}
