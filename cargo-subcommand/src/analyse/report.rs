//! Phase 6 (`report`): the summary table on stdout, where the files are (unless a command
//! prints its own answer there), and warnings on stderr for every crate painter could not
//! analyse.

use std::io::Write;
use std::path::Path;

use super::{collect::Collected, summary::Summary};

pub fn report(
    summary: &Summary,
    collected: &Collected,
    crates_dir: &Path,
    graph_dir: &Path,
    wide: bool,
    table: bool,
) {
    // A closed pipe (`cargo painter | head`) is the reader's choice, not an error.
    if table {
        let _ = print_table(summary, collected, crates_dir, graph_dir, wide);
    }
    for (crate_desc, expected) in &collected.missing {
        crate::diag::warning(format_args!(
            "no graph for {crate_desc}: painter-driver did not analyse it (expected {})",
            expected.display()
        ));
    }
    for (key, error) in &summary.failed {
        crate::diag::warning(format_args!("analysis of {key} failed: {error}"));
    }
}

fn print_table(
    summary: &Summary,
    collected: &Collected,
    crates_dir: &Path,
    graph_dir: &Path,
    wide: bool,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let width = crate::diag::table_width(wide);
    write!(
        out,
        "{}",
        painter_query::table::render_table(&summary.rows, width)
    )?;
    writeln!(out)?;
    if !summary.configurations.is_empty() {
        write!(
            out,
            "{}",
            super::summary::render_configurations(&summary.configurations)
        )?;
        writeln!(out)?;
    }
    let (dir, n) = (crates_dir.display(), collected.files.len());
    writeln!(out, "per-crate graphs: {dir} ({n} files)")?;
    writeln!(out, "linked graph:     {} (dataset)", graph_dir.display())
}
