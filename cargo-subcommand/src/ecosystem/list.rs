//! The crate list (`--crates FILE`): one crate per line, `#` comments, per-line feature
//! options and local `path=` crates; each entry's stable id, result-file name and shard.
//!
//! ```text
//! # comment
//! serde                                  latest version, default features
//! serde@1.0.219 features=derive,rc       exact version, extra features
//! tokio features=full no-default-features
//! net-probe path=fixtures/net-probe      a local crate (relative to the list file)
//! ```

use std::path::{Path, PathBuf};

use thiserror::Error;

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Package name as on crates.io.
    pub name: String,
    /// Exact version; `None` means the latest one the registry offers.
    pub version: Option<String>,
    pub features: Vec<String>,
    pub no_default_features: bool,
    pub all_features: bool,
    /// A local crate instead of a registry one (absolute).
    pub path: Option<PathBuf>,
    /// 1-based line number in the list, for messages.
    pub line: usize,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ListError {
    #[error("{file}:{line}: {message}")]
    Syntax {
        file: String,
        line: usize,
        message: String,
    },
    #[error("{file}:{line}: `{id}` is listed twice (first on line {first})")]
    Duplicate {
        file: String,
        line: usize,
        first: usize,
        id: String,
    },
}

/// Parse a list; `file` names it in errors and anchors relative `path=` values.
pub fn parse(text: &str, file: &Path) -> Result<Vec<Entry>, ListError> {
    let base = file.parent().unwrap_or(Path::new("."));
    let mut entries: Vec<Entry> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let syntax = |message: String| ListError::Syntax {
            file: file.display().to_string(),
            line,
            message,
        };
        let entry = parse_line(content, base, line).map_err(syntax)?;
        if let Some(first) = entries.iter().find(|e| e.id() == entry.id()) {
            return Err(ListError::Duplicate {
                file: file.display().to_string(),
                line,
                first: first.line,
                id: entry.id(),
            });
        }
        entries.push(entry);
    }
    Ok(entries)
}

fn parse_line(content: &str, base: &Path, line: usize) -> Result<Entry, String> {
    let mut words = content.split_whitespace();
    let spec = words.next().expect("content is not empty");
    let (name, version) = match spec.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (spec, None),
    };
    if !is_package_name(name) {
        return Err(format!("`{name}` is not a crate name"));
    }
    if let Some(v) = version
        && !is_exact_version(v)
    {
        return Err(format!(
            "`{v}` is not an exact version (write `{name}@1.2.3`, or just `{name}` for the latest)"
        ));
    }
    let mut entry = Entry {
        name: name.to_string(),
        version: version.map(str::to_string),
        features: Vec::new(),
        no_default_features: false,
        all_features: false,
        path: None,
        line,
    };
    for word in words {
        match word.split_once('=') {
            Some(("features", list)) => entry.features.extend(
                list.split(',')
                    .filter(|f| !f.is_empty())
                    .map(str::to_string),
            ),
            Some(("path", dir)) => entry.path = Some(base.join(dir)),
            None if word == "no-default-features" => entry.no_default_features = true,
            None if word == "all-features" => entry.all_features = true,
            _ => {
                return Err(format!(
                    "unknown option `{word}` (expected features=A,B, no-default-features, \
                     all-features or path=DIR)"
                ));
            }
        }
    }
    if entry.path.is_some() && entry.version.is_some() {
        return Err("a `path=` crate takes its version from its manifest".to_string());
    }
    entry.features.sort();
    entry.features.dedup();
    Ok(entry)
}

/// Cargo's rule for package names: ASCII alphanumerics, `-` and `_`.
fn is_package_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `MAJOR.MINOR.PATCH` with optional `-pre` and `+build` (semver), checked loosely.
fn is_exact_version(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-+.".contains(&b))
}

impl Entry {
    /// The entry as written, normalised: `name[@version]` plus its options in a fixed order.
    /// Shards, result files and the report key on it, so it must never depend on the
    /// registry's answer (which version is the latest) or on where the list lives.
    pub fn id(&self) -> String {
        let mut id = self.name.clone();
        if let Some(v) = &self.version {
            id = format!("{id}@{v}");
        }
        if !self.features.is_empty() {
            id.push_str(&format!(" features={}", self.features.join(",")));
        }
        if self.no_default_features {
            id.push_str(" no-default-features");
        }
        if self.all_features {
            id.push_str(" all-features");
        }
        if self.path.is_some() {
            id.push_str(" path");
        }
        id
    }

    /// File-name form of [`Entry::id`]: `serde`, `serde@1.0.219`, and for entries with
    /// options the name plus a hash of the id (`tokio+1a2b3c4d`), so names stay short and
    /// distinct.
    pub fn slug(&self) -> String {
        let mut slug = self.name.clone();
        if let Some(v) = &self.version {
            slug = format!("{slug}@{v}");
        }
        let id = self.id();
        if id != slug {
            slug = format!("{slug}+{:08x}", stable_hash(&id) as u32);
        }
        slug
    }

    /// Whether shard `k` of `n` (1-based) analyses this entry.
    pub fn in_shard(&self, (k, n): (u32, u32)) -> bool {
        stable_hash(&self.id()) % u64::from(n) == u64::from(k - 1)
    }
}

/// 64-bit FNV-1a: fixed by its specification, so every machine of a CI matrix splits a list
/// the same way (std's `DefaultHasher` may change between Rust releases).
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Entry {
        let mut all = parse(line, Path::new("/l/list.txt")).unwrap();
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    #[test]
    fn lines_and_comments() {
        let text = "# popular\n\nserde   # the latest\nitoa@1.0.15\n  cfg-if@1.0.0-rc.1  \n";
        let entries = parse(text, Path::new("list.txt")).unwrap();
        let ids: Vec<String> = entries.iter().map(Entry::id).collect();
        assert_eq!(ids, ["serde", "itoa@1.0.15", "cfg-if@1.0.0-rc.1"]);
        assert_eq!(entries[1].line, 4);
        assert_eq!(entries[1].slug(), "itoa@1.0.15");
    }

    #[test]
    fn options() {
        let e = one("tokio features=rt,macros,rt no-default-features");
        assert_eq!(e.features, ["macros", "rt"]);
        assert!(e.no_default_features && !e.all_features);
        assert_eq!(e.id(), "tokio features=macros,rt no-default-features");
        assert!(e.slug().starts_with("tokio+") && e.slug().len() == "tokio+".len() + 8);
        let p = one("net-probe path=fixtures/probe all-features");
        assert_eq!(p.path.as_deref(), Some(Path::new("/l/fixtures/probe")));
        assert_eq!(p.id(), "net-probe all-features path");
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("ok\nserde@^1\n", Path::new("l.txt")).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("l.txt:2: `^1` is not an exact version"),
            "{err}"
        );
        assert!(parse("a b", Path::new("l")).is_err());
        assert!(parse("we!rd", Path::new("l")).is_err());
        assert!(parse("x@1.0.0 path=d", Path::new("l")).is_err());
        let dup = parse("itoa\n\nitoa # again\n", Path::new("l")).unwrap_err();
        assert_eq!(
            dup.to_string(),
            "l:3: `itoa` is listed twice (first on line 1)"
        );
    }

    #[test]
    fn shards_partition_the_list() {
        let entries: Vec<Entry> = (0..200)
            .map(|i| one(&format!("crate{i}")))
            .collect::<Vec<_>>();
        let mut counts = [0; 3];
        for e in &entries {
            let shards: Vec<u32> = (1..=3).filter(|&k| e.in_shard((k, 3))).collect();
            assert_eq!(shards.len(), 1, "{}", e.id());
            counts[shards[0] as usize - 1] += 1;
        }
        // Every shard gets a fair part (FNV spreads short similar names well).
        assert!(counts.iter().all(|&c| c > 40), "{counts:?}");
        // Fixed by the algorithm: the same on every machine and Rust release.
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
