//! What of the host a sandboxed build sees: the system directories a Rust and C build needs,
//! read-only, laid out as on the host (Debian's merged `/usr`: `/bin`, `/lib` … are symlinks
//! into `/usr`) — and nothing else of the host.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

/// One piece of the sandbox's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPath {
    /// The host path at the same place, read-only.
    ReadOnly(PathBuf),
    /// A symbolic link `path -> target`, as on the host.
    Symlink { path: PathBuf, target: PathBuf },
}

/// The system part of the sandbox, as found on this host:
/// - `/usr`: compilers (`cc`, `c++`, `ar`, `ld`), `pkg-config`, headers, libraries, `sh`;
/// - `/bin`, `/sbin`, `/lib`, `/lib32`, `/lib64`, `/libx32`: the symlinks into `/usr` of a
///   merged-usr system, or the directories themselves on an older one (the dynamic loader
///   and libc are there);
/// - from `/etc`, only the dynamic loader's cache and configuration (`ld.so.cache`,
///   `ld.so.conf`, `ld.so.conf.d`) and `alternatives` (`cc` is `/usr/bin/cc ->
///   /etc/alternatives/cc -> /usr/bin/gcc` on Debian). Not `passwd`, `hosts`, `resolv.conf`,
///   certificates or anything else: a build needs none of them.
pub fn system_paths() -> Vec<HostPath> {
    system_paths_in(Path::new("/"))
}

fn system_paths_in(root: &Path) -> Vec<HostPath> {
    let mut paths = vec![HostPath::ReadOnly("/usr".into())];
    for dir in ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"] {
        let on_host = root.join(&dir[1..]);
        if let Ok(target) = std::fs::read_link(&on_host) {
            paths.push(HostPath::Symlink {
                path: dir.into(),
                target,
            });
        } else if on_host.is_dir() {
            paths.push(HostPath::ReadOnly(dir.into()));
        }
    }
    for file in [
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
        "/etc/alternatives",
    ] {
        if root.join(&file[1..]).exists() {
            paths.push(HostPath::ReadOnly(file.into()));
        }
    }
    paths
}

/// Give group and others what the owner may read and execute of everything below `dir`, so the
/// build's user (who owns none of it) can read the sources: crates.io tarballs keep their
/// authors' modes (`0640` files, `0750` configure scripts), and cargo unpacks them as they are.
pub fn share_read_only(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::symlink_metadata(dir)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = meta.permissions().mode();
    let owner = mode & 0o500;
    let shared = mode | owner >> 3 | owner >> 6;
    if shared != mode {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(shared))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir)? {
            share_read_only(&entry?.path())?;
        }
    }
    Ok(())
}

/// The directories bwrap must create (mode 0755) before binding `destinations` into the
/// sandbox's empty root: their ancestors, parents first, but none at or below `skip` (places
/// that are mounts themselves). bwrap running as root would create them `0700`, which the
/// build's unprivileged user could not enter.
pub fn ancestors(destinations: &[&Path], skip: &[&Path]) -> Vec<PathBuf> {
    let mut dirs = BTreeSet::new();
    for dest in destinations {
        for dir in dest.ancestors().skip(1) {
            if dir == Path::new("/") || skip.iter().any(|s| dir.starts_with(s)) {
                continue;
            }
            dirs.insert(dir.to_path_buf());
        }
    }
    dirs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::TempDir;

    #[test]
    fn merged_usr_and_etc_files() {
        let root = TempDir::new("root");
        let r = root.path();
        std::fs::create_dir_all(r.join("usr/bin")).unwrap();
        std::fs::create_dir_all(r.join("lib64")).unwrap();
        std::os::unix::fs::symlink("usr/bin", r.join("bin")).unwrap();
        std::fs::create_dir_all(r.join("etc/alternatives")).unwrap();
        std::fs::write(r.join("etc/ld.so.cache"), "").unwrap();
        std::fs::write(r.join("etc/shadow"), "").unwrap();
        let paths = system_paths_in(r);
        assert_eq!(
            paths,
            [
                HostPath::ReadOnly("/usr".into()),
                HostPath::Symlink {
                    path: "/bin".into(),
                    target: "usr/bin".into()
                },
                HostPath::ReadOnly("/lib64".into()),
                HostPath::ReadOnly("/etc/ld.so.cache".into()),
                HostPath::ReadOnly("/etc/alternatives".into()),
            ]
        );
    }

    #[test]
    fn sources_become_readable_not_writable() {
        use std::os::unix::fs::PermissionsExt;
        let root = TempDir::new("share");
        let pkg = root.path().join("pkg");
        std::fs::create_dir_all(pkg.join("src")).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let set = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        std::fs::write(pkg.join("src/lib.rs"), "").unwrap();
        std::fs::write(pkg.join("configure"), "").unwrap();
        set(&pkg.join("src/lib.rs"), 0o640);
        set(&pkg.join("configure"), 0o750);
        set(&pkg.join("src"), 0o700);
        share_read_only(&pkg).unwrap();
        assert_eq!(mode(&pkg.join("src/lib.rs")), 0o644);
        assert_eq!(mode(&pkg.join("configure")), 0o755);
        assert_eq!(mode(&pkg.join("src")), 0o755);
    }

    #[test]
    fn ancestors_parents_first() {
        let dirs = ancestors(
            &[
                Path::new("/root/.rustup/toolchains/n"),
                Path::new("/etc/ld.so.cache"),
                Path::new("/tmp/painter/target"),
            ],
            &[Path::new("/tmp")],
        );
        let expected: Vec<PathBuf> = ["/etc", "/root", "/root/.rustup", "/root/.rustup/toolchains"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(dirs, expected);
    }
}
