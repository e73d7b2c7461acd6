//! The ignore list: advisories the user has looked at and accepts, each with a reason. From
//! the command line (`--ignore ID=REASON`) or a cargo-audit config file (`.cargo/audit.toml`,
//! `[advisories] ignore = [...]`), whose entries may be plain ids, as cargo-audit writes them,
//! or `{ id = "...", reason = "..." }` tables. Ignored findings stay in the report, marked with
//! the reason, and never fail the run.

use std::path::Path;

use serde::Deserialize;

use crate::AuditError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignore {
    pub id: String,
    pub reason: String,
}

/// `ID` or `ID=REASON`.
pub fn parse_arg(text: &str) -> Result<Ignore, String> {
    let (id, reason) = match text.split_once('=') {
        Some((id, reason)) => (id.trim(), reason.trim()),
        None => (text.trim(), ""),
    };
    check_id(id)?;
    Ok(Ignore {
        id: id.to_string(),
        reason: if reason.is_empty() {
            "ignored on the command line (no reason given)".into()
        } else {
            reason.to_string()
        },
    })
}

fn check_id(id: &str) -> Result<(), String> {
    // The id kinds advisories carry (rustsec's `Id` parses anything as an "other" id).
    let ok = ["RUSTSEC-", "CVE-", "GHSA-", "OSV-"]
        .iter()
        .any(|p| id.strip_prefix(p).is_some_and(|rest| !rest.is_empty()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not an advisory id (RUSTSEC-YYYY-NNNN, CVE-…, GHSA-…)"
        ))
    }
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    advisories: Advisories,
}

#[derive(Deserialize, Default)]
struct Advisories {
    #[serde(default)]
    ignore: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Id(String),
    WithReason { id: String, reason: String },
}

/// The `[advisories] ignore` list of a cargo-audit config file.
pub fn read_file(path: &Path) -> Result<Vec<Ignore>, AuditError> {
    let text = std::fs::read_to_string(path).map_err(|source| AuditError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let bad = |message: String| AuditError::BadIgnoreList {
        path: path.to_path_buf(),
        message,
    };
    let config: ConfigFile = toml::from_str(&text).map_err(|e| bad(e.to_string()))?;
    config
        .advisories
        .ignore
        .into_iter()
        .map(|entry| {
            let (id, reason) = match entry {
                Entry::Id(id) => (
                    id,
                    format!("ignored in {} (no reason given)", path.display()),
                ),
                Entry::WithReason { id, reason } => (id, reason),
            };
            check_id(&id).map_err(bad)?;
            Ok(Ignore { id, reason })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_entries() {
        let i = parse_arg("RUSTSEC-2021-0003=only inline capacity used").unwrap();
        assert_eq!(
            (i.id.as_str(), i.reason.as_str()),
            ("RUSTSEC-2021-0003", "only inline capacity used")
        );
        assert!(
            parse_arg("RUSTSEC-2021-0003")
                .unwrap()
                .reason
                .contains("no reason")
        );
        assert!(parse_arg("smallvec").is_err());
    }

    #[test]
    fn config_file_with_plain_ids_and_reasons() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("audit.toml");
        std::fs::write(
            &file,
            "[advisories]\nignore = [\"RUSTSEC-2020-0071\", { id = \"RUSTSEC-2021-0003\", reason = \"fixed upstream\" }]\n",
        )
        .unwrap();
        let list = read_file(&file).unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[0].reason.contains("audit.toml"));
        assert_eq!(list[1].reason, "fixed upstream");
        std::fs::write(&file, "[advisories]\nignore = [\"nope\"]\n").unwrap();
        let e = read_file(&file).unwrap_err().to_string();
        assert!(e.contains("audit.toml") && e.contains("nope"), "{e}");
    }
}
