//! Reading a `.crate`: a gzip'd tar whose every entry sits under `<name>-<version>/`. The files
//! are held in memory (crates.io caps a `.crate` at 10 MiB compressed; the total unpacked size
//! is capped here against decompression bombs) with the archive's SHA-256, the checksum the
//! registry index and `Cargo.lock` record.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path};

use sha2::{Digest, Sha256};

use crate::VerifyError;

/// More unpacked bytes than any real crate has: past it the archive is refused.
const MAX_UNPACKED: u64 = 1 << 30;

#[derive(Debug, Clone)]
pub struct CrateArchive {
    /// The archive's top directory, `<name>-<version>`.
    pub root: String,
    /// The files, by path relative to `root` (with `/` separators).
    pub files: BTreeMap<String, Vec<u8>>,
    /// SHA-256 of the `.crate` file, lower-case hex.
    pub sha256: String,
}

/// Read the `.crate` at `path`.
pub fn read(path: &Path) -> Result<CrateArchive, VerifyError> {
    let bad = |reason: String| VerifyError::BadCrate {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
    let sha256 = sha256_hex(&bytes);
    let gz = flate2::read::GzDecoder::new(&bytes[..]);
    let mut tar = tar::Archive::new(gz.take(MAX_UNPACKED + 1));
    let mut root: Option<String> = None;
    let mut files = BTreeMap::new();
    let entries = tar.entries().map_err(|e| bad(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(e.to_string()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let entry_path = entry.path().map_err(|e| bad(e.to_string()))?.into_owned();
        let mut parts = Vec::new();
        for c in entry_path.components() {
            match c {
                Component::Normal(p) => parts.push(p.to_string_lossy().into_owned()),
                Component::CurDir => {}
                // `..` or an absolute path has no place in a package.
                _ => {
                    return Err(bad(format!(
                        "entry `{}` escapes the archive",
                        entry_path.display()
                    )));
                }
            }
        }
        if parts.len() < 2 {
            return Err(bad(format!(
                "entry `{}` is not under the package directory",
                entry_path.display()
            )));
        }
        let top = parts.remove(0);
        match &root {
            None => root = Some(top),
            Some(r) if *r == top => {}
            Some(r) => {
                return Err(bad(format!(
                    "entries under both `{r}/` and `{top}/`: not one package"
                )));
            }
        }
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| bad(e.to_string()))?;
        files.insert(parts.join("/"), data);
    }
    let unpacked: u64 = files.values().map(|f| f.len() as u64).sum();
    if unpacked > MAX_UNPACKED {
        return Err(bad("more than 1 GiB unpacked".into()));
    }
    let root = root.ok_or_else(|| bad("the archive holds no file".into()))?;
    Ok(CrateArchive {
        root,
        files,
        sha256,
    })
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            tar.append_data(&mut header, path, *data).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn files_under_the_package_directory() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-1.0.0.crate");
        let bytes = build(&[
            ("a-1.0.0/Cargo.toml", b"[package]"),
            ("a-1.0.0/src/lib.rs", b""),
        ]);
        std::fs::write(&file, &bytes).unwrap();
        let a = read(&file).unwrap();
        assert_eq!(a.root, "a-1.0.0");
        assert_eq!(
            a.files.keys().collect::<Vec<_>>(),
            ["Cargo.toml", "src/lib.rs"]
        );
        assert_eq!(a.sha256, sha256_hex(&bytes));
        assert_eq!(a.sha256.len(), 64);

        std::fs::write(&file, build(&[("a-1.0.0/x", b""), ("b-1.0.0/y", b"")])).unwrap();
        let e = read(&file).unwrap_err().to_string();
        assert!(
            e.contains("not one package") && e.contains("a-1.0.0.crate"),
            "{e}"
        );
        std::fs::write(&file, b"not gzip").unwrap();
        assert!(read(&file).is_err());
    }
}
