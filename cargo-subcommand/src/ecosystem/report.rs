//! The end of a run: `report.json` (the figures and every entry's outcome, for scripts) and
//! `report.md` (the same for people, with the definitions beside the figures), plus a short
//! summary on stdout.

use std::{fmt::Write as _, io::Write as _, path::Path};

use anyhow::{Context, Result};
use painter_schema::atomic::write_bytes_atomic;
use serde::Serialize;

use painter_query::figures::{self, DEFINITIONS, Figures, Share};

use super::result::{self, CrateResult, Status};

/// Who the figures are about in an ecosystem run (the `crates` figure's population).
const ANALYSED: &str = "list entries whose library compiled with the pinned toolchain (default \
     features unless the list says otherwise, host target) and whose units were all analysed \
     and linked; all shares are of these crates. Their dependencies are in the graph as call \
     targets but are not counted unless the list names them";

/// Entries by status string, every status listed.
fn entries_by_status(results: &[CrateResult]) -> std::collections::BTreeMap<&'static str, u64> {
    Status::ALL
        .iter()
        .map(|s| {
            (
                s.as_str(),
                results.iter().filter(|r| r.status == *s).count() as u64,
            )
        })
        .collect()
}

/// `--verify`: how many packages got each verdict, among the entries' own packages and among
/// every distinct package of the resolves (entries and dependencies), with their shares.
#[derive(Debug, Clone, Serialize)]
pub struct VerificationShares {
    pub entries: std::collections::BTreeMap<&'static str, Share>,
    pub packages: std::collections::BTreeMap<&'static str, Share>,
    /// Distinct packages that could not be checked at all (no .crate, unreadable).
    pub not_checked: u64,
}

/// The shares of the verdicts, when the run verified anything.
pub fn verification_shares(results: &[CrateResult]) -> Option<VerificationShares> {
    use painter_verify::Verdict;
    let mut entries = Vec::new();
    let mut packages: std::collections::BTreeMap<&str, Option<Verdict>> = Default::default();
    for v in results.iter().flat_map(|r| &r.verification) {
        if v.entry
            && let Some(verdict) = v.verdict
        {
            entries.push(verdict);
        }
        packages.insert(&v.package, v.verdict);
    }
    if packages.is_empty() {
        return None;
    }
    let shares = |verdicts: &[Verdict]| -> std::collections::BTreeMap<&'static str, Share> {
        let counts = painter_verify::report::counts(verdicts.iter().copied());
        counts
            .into_iter()
            .map(|(v, n)| {
                let percent = if verdicts.is_empty() {
                    0.0
                } else {
                    100.0 * n as f64 / verdicts.len() as f64
                };
                (
                    v.as_str(),
                    Share {
                        crates: n as u64,
                        percent,
                    },
                )
            })
            .collect()
    };
    let checked: Vec<Verdict> = packages.values().flatten().copied().collect();
    Some(VerificationShares {
        entries: shares(&entries),
        packages: shares(&checked),
        not_checked: packages.values().filter(|v| v.is_none()).count() as u64,
    })
}

/// What the report says about the run itself.
#[derive(Debug, Clone, Serialize)]
pub struct RunInfo {
    pub list: String,
    pub shard: Option<String>,
    pub sandboxed: bool,
    pub painter_version: String,
    pub toolchain: String,
    /// Wall time of this invocation (entries skipped as already done cost nothing).
    pub wall_ms: u64,
    /// Entries analysed by this invocation / skipped as done by an earlier one.
    pub analysed_now: u64,
    pub resumed: u64,
}

#[derive(Serialize)]
struct EntryRow<'a> {
    entry: &'a str,
    version: Option<&'a str>,
    status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_package: Option<&'a str>,
    fetch_ms: u64,
    build_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    isolation: Option<&'a result::Isolation>,
}

pub fn write(out: &Path, info: &RunInfo, figures: &Figures, results: &[CrateResult]) -> Result<()> {
    let mut definitions: std::collections::BTreeMap<&str, &str> =
        DEFINITIONS.iter().copied().collect();
    definitions.insert("analysed", ANALYSED);
    let entries: Vec<EntryRow<'_>> = results
        .iter()
        .map(|r| EntryRow {
            entry: &r.entry,
            version: r.version.as_deref(),
            status: r.status,
            error: r.error.as_deref(),
            failed_package: r.failed_package.as_deref(),
            fetch_ms: r.timings.fetch_ms,
            build_ms: r.timings.build_ms,
            isolation: r.isolation.as_ref(),
        })
        .collect();
    let mut json = serde_json::json!({
        "run": info,
        "definitions": definitions,
        "entries_by_status": entries_by_status(results),
        "figures": figures,
        "entries": entries,
    });
    if let Some(shares) = verification_shares(results) {
        json["verification"] = serde_json::to_value(shares)?;
    }
    let file = out.join("report.json");
    let mut bytes = serde_json::to_vec_pretty(&json)?;
    bytes.push(b'\n');
    write_bytes_atomic(&file, &bytes)
        .with_context(|| format!("cannot write {}", file.display()))?;
    let file = out.join("report.md");
    write_bytes_atomic(&file, markdown(info, figures, results).as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    Ok(())
}

/// How the entries were isolated, in one line: each distinct isolation with its limits and
/// how many entries had it (a resumed run may mix them).
fn isolation_line(results: &[CrateResult]) -> Option<String> {
    use result::{IsolationKind, MemoryBy, ProcsBy};
    let mut kinds: Vec<(&result::Isolation, usize)> = Vec::new();
    for isolation in results.iter().filter_map(|r| r.isolation.as_ref()) {
        match kinds.iter_mut().find(|(i, _)| *i == isolation) {
            Some((_, n)) => *n += 1,
            None => kinds.push((isolation, 1)),
        }
    }
    let parts: Vec<String> = kinds
        .iter()
        .map(|(i, n)| {
            let l = &i.limits;
            let how = match (i.kind, i.uid) {
                (IsolationKind::Bwrap, Some(uid)) => format!("bubblewrap as uid {uid}"),
                (IsolationKind::Bwrap, None) => "bubblewrap".to_string(),
                (IsolationKind::None, _) => "no sandbox".to_string(),
            };
            let by = |b: ProcsBy| match b {
                ProcsBy::Cgroup => "cgroup",
                ProcsBy::Rlimit => "RLIMIT_NPROC",
                ProcsBy::None => "none",
            };
            // Results of older versions say nothing of how: RLIMIT_AS always, the cgroup too
            // when there was one.
            let memory = match (l.memory_by, l.memory_cgroup_mib) {
                (Some(MemoryBy::Cgroup), Some(m)) => format!("memory {m} MiB (cgroup)"),
                (Some(MemoryBy::None), _) => "memory 0 MiB".to_string(),
                (Some(_), _) => format!("address space {} MiB (RLIMIT_AS)", l.address_space_mib),
                (None, Some(m)) => format!(
                    "address space {} MiB, memory {m} MiB (cgroup)",
                    l.address_space_mib
                ),
                (None, None) => format!("address space {} MiB", l.address_space_mib),
            };
            format!(
                "{n} entries in {how} (time {} s, {memory}, {} processes ({}), disk {} MiB; 0 \
                 is no limit)",
                l.timeout_s,
                l.procs,
                by(l.procs_by),
                l.disk_mib
            )
        })
        .collect();
    (!parts.is_empty()).then(|| format!("Isolation: {}.", parts.join("; ")))
}

/// `report.md`.
pub fn markdown(info: &RunInfo, figures: &Figures, results: &[CrateResult]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# cargo painter ecosystem report\n");
    let _ = writeln!(
        md,
        "List `{}`{}: {} entries. painter {}, {}. Sandbox: {}.\n",
        info.list,
        info.shard
            .as_ref()
            .map(|s| format!(", shard {s}"))
            .unwrap_or_default(),
        results.len(),
        info.painter_version,
        info.toolchain,
        if info.sandboxed {
            "bubblewrap, no network"
        } else {
            "none (--no-sandbox)"
        },
    );
    if let Some(line) = isolation_line(results) {
        let _ = writeln!(md, "{line}\n");
    }
    let _ = writeln!(md, "## Entries\n\n| status | entries |\n|---|---:|");
    for (status, n) in entries_by_status(results) {
        let _ = writeln!(md, "| {status} | {n} |");
    }
    let failures: Vec<&CrateResult> = results.iter().filter(|r| r.status != Status::Ok).collect();
    if !failures.is_empty() {
        let _ = writeln!(
            md,
            "\n### Not analysed\n\n| entry | version | status | first error |\n|---|---|---|---|"
        );
        for r in failures {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} |",
                r.entry,
                r.version.as_deref().unwrap_or(""),
                r.status.as_str(),
                cell(r.error.as_deref().unwrap_or(""))
            );
        }
    }
    let _ = writeln!(
        md,
        "\n## Figures\n\nOf the {} analysed crates:\n\n| figure | crates | share | definition |\n|---|---:|---:|---|",
        figures.crates
    );
    let shares: [(&str, &Share); 6] = [
        ("uses_unsafe", &figures.uses_unsafe),
        ("user_unsafe_blocks", &figures.user_unsafe_blocks),
        ("has_unsafe_ops", &figures.has_unsafe_ops),
        ("calls_unsafe_crate", &figures.calls_unsafe_crate),
        ("reaches_ffi", &figures.reaches_ffi),
        (
            "reaches_ffi_with_candidates",
            &figures.reaches_ffi_with_candidates,
        ),
    ];
    for (name, share) in shares {
        let definition = figures::definition(name).unwrap_or_default();
        let _ = writeln!(
            md,
            "| {name} | {} | {:.2}% | {} |",
            share.crates,
            share.percent,
            cell(definition)
        );
    }
    let _ = writeln!(md, "\n`analysed`: {ANALYSED}.");
    counts(
        &mut md,
        "Unsafe operations by kind",
        "kind",
        &figures.unsafe_ops_by_kind,
    );
    counts(
        &mut md,
        "Unsafe operations by context",
        "context",
        &figures.unsafe_ops_by_context,
    );
    ranking(
        &mut md,
        "Crates with the most unsafe operations",
        "unsafe ops",
        &figures.top_by_unsafe_ops,
    );
    ranking(
        &mut md,
        "Crates with the most FFI imports",
        "FFI imports",
        &figures.top_by_ffi_imports,
    );
    if !figures.most_called_unsafe_fns.is_empty() {
        let _ = writeln!(
            md,
            "\n## Most-called unsafe functions\n\nBy the number of analysed crates whose own code \
             calls them (`call_unsafe_fn` operations).\n\n| function | crates | call sites |\n|---|---:|---:|"
        );
        for f in &figures.most_called_unsafe_fns {
            let _ = writeln!(
                md,
                "| `{}` | {} | {} |",
                cell(&f.path),
                f.crates,
                f.call_sites
            );
        }
    }
    if let Some(v) = verification_shares(results) {
        let total =
            |m: &std::collections::BTreeMap<&str, Share>| m.values().map(|s| s.crates).sum::<u64>();
        let _ = writeln!(
            md,
            "\n## Verification\n\nEach package compared with the repository its `repository` field \
             names, at the commit of its `.cargo_vcs_info.json` (docs/verify.md): the {} entries' \
             own packages, and the {} distinct crates.io packages of all their resolves \
             (dependencies included){}.\n\n| verdict | entries | share | packages | share |\n|---|---:|---:|---:|---:|",
            total(&v.entries),
            total(&v.packages),
            if v.not_checked > 0 {
                format!("; {} more could not be checked", v.not_checked)
            } else {
                String::new()
            }
        );
        for (verdict, e) in &v.entries {
            let p = &v.packages[verdict];
            let _ = writeln!(
                md,
                "| {verdict} | {} | {:.2}% | {} | {:.2}% |",
                e.crates, e.percent, p.crates, p.percent
            );
        }
    }
    let (fetch, build): (u64, u64) = results.iter().fold((0, 0), |(f, b), r| {
        (f + r.timings.fetch_ms, b + r.timings.build_ms)
    });
    let _ = writeln!(
        md,
        "\n## Time\n\nThis invocation: {:.1}s wall for {} entries ({} were done by an earlier \
         run). Sum over all entries: fetch {:.1}s, build {:.1}s.",
        info.wall_ms as f64 / 1000.0,
        info.analysed_now,
        info.resumed,
        fetch as f64 / 1000.0,
        build as f64 / 1000.0
    );
    md
}

fn counts(md: &mut String, title: &str, what: &str, map: &std::collections::BTreeMap<String, u64>) {
    if map.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## {title}\n\n| {what} | ops |\n|---|---:|");
    let mut rows: Vec<_> = map.iter().collect();
    rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    for (k, n) in rows {
        let _ = writeln!(md, "| {k} | {n} |");
    }
}

fn ranking(md: &mut String, title: &str, what: &str, rows: &[(String, u64)]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## {title}\n\n| crate | {what} |\n|---|---:|");
    for (k, n) in rows {
        let _ = writeln!(md, "| {k} | {n} |");
    }
}

/// Text safe inside a markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// The summary on stdout.
pub fn print_summary(figures: &Figures, results: &[CrateResult], out: &Path) {
    let mut text = String::new();
    let statuses: Vec<String> = entries_by_status(results)
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    let _ = writeln!(text, "entries: {}", statuses.join(", "));
    for (name, share) in [
        ("uses_unsafe", &figures.uses_unsafe),
        ("user_unsafe_blocks", &figures.user_unsafe_blocks),
        ("calls_unsafe_crate", &figures.calls_unsafe_crate),
        ("reaches_ffi", &figures.reaches_ffi),
    ] {
        let _ = writeln!(
            text,
            "{name:>20}: {:>6.2}% ({} of {})",
            share.percent, share.crates, figures.crates
        );
    }
    if let Some(v) = verification_shares(results) {
        let shown: Vec<String> = v
            .packages
            .iter()
            .filter(|(_, s)| s.crates > 0)
            .map(|(verdict, s)| format!("{} {verdict}", s.crates))
            .collect();
        let _ = writeln!(text, "verified packages: {}", shown.join(", "));
    }
    let _ = writeln!(text, "report: {}", out.join("report.md").display());
    let _ = writeln!(
        text,
        "graph:  {}",
        out.join(painter_schema::names::GRAPH_DIR).display()
    );
    // A closed pipe is the reader's choice, not an error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
