//! The benchmark's expectation format: `//~ edge CATEGORY[CONFIG] MODE CALLEE` comments at the
//! call sites of the fixture (docs/callgraph-benchmark.md describes it for authors).
//!
//! `//~` names the line it is on, `//~^` the line above (one `^` per line up), `//~|` the same
//! line as the annotation before it. `CATEGORY` is a benchmark category (`static`, `dyn`…),
//! `[CONFIG]` optionally restricts the edge to one configuration (`default`, `extra`), `MODE`
//! is `exact` (an edge of the call graph), `instance` (an exact edge an instantiation of the
//! generic caller selects: a target marked `via: instantiation`) or `candidate` (a candidate
//! target of the call), and `CALLEE` is the callee's path as painter records it (rustc's `def_path_str`).
//! An expectation painter is known to miss ends with `known-miss: REASON`: it stays expected
//! (and lowers the recall shown) but does not fail the test, and fails it once it is found.

use std::fmt;
use std::path::Path;

/// The categories an annotation may name, in the order the report lists them.
pub const CATEGORIES: &[&str] = &[
    "static", "dyn", "generic", "fn_ptr", "closure", "default", "macro", "cfg", "drop", "async",
    "const",
];

/// Whether an expected edge is an exact edge, a target an instantiation selects, or one of
/// the call's candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Exact,
    Instance,
    Candidate,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Exact => "exact",
            Mode::Instance => "instance",
            Mode::Candidate => "candidate",
        })
    }
}

/// One expected edge: from the function containing the call at `file:line` to `callee`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    /// Workspace-relative path of the file with the call site, `/`-separated.
    pub file: String,
    pub line: u32,
    pub category: String,
    /// The configuration the edge exists in; `None`: in every configuration.
    pub config: Option<String>,
    pub mode: Mode,
    pub callee: String,
    /// Why painter misses this edge, for expectations marked `known-miss:`.
    pub known_miss: Option<String>,
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} {}", self.file, self.line, self.category)?;
        if let Some(config) = &self.config {
            write!(f, "[{config}]")?;
        }
        write!(f, " {} {}", self.mode, self.callee)
    }
}

/// Every annotation of the `.rs` files under `root` (a `target` directory is skipped).
pub fn parse_workspace(root: &Path) -> Result<Vec<Expected>, String> {
    let mut files = Vec::new();
    collect_rs_files(root, &mut files);
    files.sort();
    let mut all = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(root)
            .expect("below the root")
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{rel}: {e}"))?;
        all.extend(parse_file(&rel, &text)?);
    }
    Ok(all)
}

fn collect_rs_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable fixture dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                collect_rs_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The annotations of one file (`rel`: its workspace-relative path). A `//~` comment that does
/// not follow the format is an error, so that a typo cannot silently drop an expectation.
pub fn parse_file(rel: &str, text: &str) -> Result<Vec<Expected>, String> {
    let mut out: Vec<Expected> = Vec::new();
    let mut previous_line: Option<u32> = None;
    for (index, line_text) in text.lines().enumerate() {
        let here = index as u32 + 1;
        let Some(pos) = line_text.find("//~") else {
            continue;
        };
        let at = |msg: &str| format!("{rel}:{here}: {msg}: `{}`", line_text.trim());
        let rest = &line_text[pos + 3..];
        let (line, rest) = if let Some(rest) = rest.strip_prefix('|') {
            let line = previous_line.ok_or_else(|| at("`//~|` without an annotation before it"))?;
            (line, rest)
        } else {
            let carets = rest.chars().take_while(|c| *c == '^').count() as u32;
            if carets >= here {
                return Err(at("`^` points above the first line"));
            }
            (here - carets, &rest[carets as usize..])
        };
        let mut words = rest.split_whitespace();
        if words.next() != Some("edge") {
            return Err(at("expected `edge` after `//~`"));
        }
        let category_word = words.next().ok_or_else(|| at("missing category"))?;
        let (category, config) = match category_word.split_once('[') {
            Some((category, config)) => {
                let config = config
                    .strip_suffix(']')
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| at("a configuration is written `category[name]`"))?;
                (category, Some(config.to_string()))
            }
            None => (category_word, None),
        };
        if !CATEGORIES.contains(&category) {
            return Err(at(&format!("unknown category `{category}`")));
        }
        let mode = match words.next() {
            Some("exact") => Mode::Exact,
            Some("instance") => Mode::Instance,
            Some("candidate") => Mode::Candidate,
            _ => return Err(at("mode must be `exact`, `instance` or `candidate`")),
        };
        let callee = words.collect::<Vec<_>>().join(" ");
        let (callee, known_miss) = match callee.split_once(" known-miss:") {
            Some((callee, reason)) if !reason.trim().is_empty() => {
                (callee.to_string(), Some(reason.trim().to_string()))
            }
            Some(_) => return Err(at("`known-miss:` needs a reason")),
            None => (callee, None),
        };
        if callee.is_empty() {
            return Err(at("missing callee path"));
        }
        previous_line = Some(line);
        out.push(Expected {
            file: rel.to_string(),
            line,
            category: category.to_string(),
            config,
            mode,
            callee,
            known_miss,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_line_above_and_continued() {
        let text = "fn f() {\n    g(); //~ edge static exact a::g\n    h(x)\n    //~^ edge dyn candidate <a::X as a::T>::h\n    //~| edge cfg[extra] exact a::T::h\n}\n";
        let got = parse_file("src/lib.rs", text).unwrap();
        let lines: Vec<(u32, &str, Option<&str>, Mode, &str)> = got
            .iter()
            .map(|e| {
                let config = e.config.as_deref();
                (
                    e.line,
                    e.category.as_str(),
                    config,
                    e.mode,
                    e.callee.as_str(),
                )
            })
            .collect();
        assert!(got.iter().all(|e| e.known_miss.is_none()));
        assert_eq!(
            lines,
            [
                (2, "static", None, Mode::Exact, "a::g"),
                (3, "dyn", None, Mode::Candidate, "<a::X as a::T>::h"),
                (3, "cfg", Some("extra"), Mode::Exact, "a::T::h"),
            ]
        );
    }

    #[test]
    fn known_miss_keeps_its_reason() {
        let got = parse_file(
            "f.rs",
            "f(x); //~ edge generic candidate a::b known-miss: no data",
        )
        .unwrap();
        assert_eq!(got[0].callee, "a::b");
        assert_eq!(got[0].known_miss.as_deref(), Some("no data"));
    }

    #[test]
    fn malformed_annotations_are_errors() {
        for bad in [
            "x(); //~ edge statik exact a::x",
            "x(); //~ edge static maybe a::x",
            "x(); //~ edge static exact",
            "x(); //~ NOTE: call static",
            "//~| edge static exact a::x",
            "x(); //~ edge cfg[] exact a::x",
            "x(); //~ edge static exact a::x known-miss:",
        ] {
            assert!(parse_file("f.rs", bad).is_err(), "{bad}");
        }
    }
}
