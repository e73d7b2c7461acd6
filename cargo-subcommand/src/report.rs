//! Phase 6 (`report`): the summary table on stdout, where the files are, and warnings on
//! stderr for every crate painter could not analyse.

use std::path::Path;

use crate::{collect::Collected, summary::Summary};

pub fn report(summary: &Summary, collected: &Collected, crates_dir: &Path, graph_file: &Path) {
    print!("{}", summary.table);
    println!();
    println!(
        "per-crate graphs: {} ({} files)",
        crates_dir.display(),
        collected.files.len()
    );
    println!("linked graph:     {}", graph_file.display());
    for (crate_desc, expected) in &collected.missing {
        crate::warning(format_args!(
            "no graph for {crate_desc}: painter-driver did not analyse it (expected {})",
            expected.display()
        ));
    }
    for (key, error) in &summary.failed {
        crate::warning(format_args!("analysis of {key} failed: {error}"));
    }
}
