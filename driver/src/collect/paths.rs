//! Portable file names: a file outside the package is written relative to a named root
//! (`$RUST_SRC`, `$CARGO_REGISTRY`, `$CARGO_GIT`, `$OUT_DIR`) rather than as an absolute path of
//! the building machine, so the same crate gives the same bytes on every machine and no file
//! leaks the builder's home directory. The spelling is documented in docs/schema.md, "Paths".

use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use rustc_session::Session;

/// The rust-lang/rust checkout of this toolchain (rust-src's `library/`, rustc-dev's `compiler/`).
pub const RUST_SRC: &str = "$RUST_SRC";
/// `$CARGO_HOME/registry/src`: one directory per registry, then one per package.
pub const CARGO_REGISTRY: &str = "$CARGO_REGISTRY";
/// `$CARGO_HOME/git/checkouts`: one directory per repository, then one per revision.
pub const CARGO_GIT: &str = "$CARGO_GIT";
/// The crate's build-script output directory (cargo's `OUT_DIR`).
pub const OUT_DIR: &str = "$OUT_DIR";

/// Where the roots are on this machine, found once per compilation (one crate per process).
/// Hashed into the reuse key (`reuse::key`) as resolved, not as the variables that gave them:
/// `cargo painter` through rustup's proxy has `CARGO_HOME` set, `cargo-painter` run directly
/// not, and both name the same registry.
#[derive(Hash)]
pub struct Roots {
    /// The crate's `OUT_DIR`. Looked at before the package root: a package's own `target/`
    /// holds it, and a path under it names the target dir and a hash of the unit.
    out_dir: Vec<PathBuf>,
    /// The package root (`CARGO_MANIFEST_DIR`): files inside it are written relative to it.
    package_root: Option<PathBuf>,
    /// The other roots, as given and canonical, longest first (a registry inside a sysroot
    /// or the reverse still picks the inner one).
    named: Vec<(PathBuf, &'static str)>,
}

static ROOTS: OnceLock<Roots> = OnceLock::new();

pub fn roots(sess: &Session) -> &'static Roots {
    ROOTS.get_or_init(|| Roots::new(sess))
}

impl Roots {
    fn new(sess: &Session) -> Roots {
        let env = |key: &str| {
            std::env::var_os(key)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let mut named = Vec::new();
        // rustc translates `/rustc/<hash>` back to these when the component is installed
        // (`real_source_base_dir` in rustc_session/src/config.rs, used by
        // `imported_source_file` in rustc_metadata/src/rmeta/decoder.rs); the sysroot
        // subdirectories are the same places, for a sysroot without the components.
        let sysroot = sess.opts.sysroot.path();
        let rust_src = [
            sess.opts.real_rust_source_base_dir.clone(),
            sess.opts.real_rustc_dev_source_base_dir.clone(),
            Some(sysroot.join("lib/rustlib/src/rust")),
            Some(sysroot.join("lib/rustlib/rustc-src/rust")),
        ];
        for dir in rust_src.into_iter().flatten() {
            push_with_canonical(&mut named, dir, RUST_SRC);
        }
        // Cargo's own rule (the `home` crate): `$CARGO_HOME`, else `$HOME/.cargo`.
        if let Some(home) = env("CARGO_HOME").or_else(|| env("HOME").map(|h| h.join(".cargo"))) {
            push_with_canonical(&mut named, home.join("registry/src"), CARGO_REGISTRY);
            push_with_canonical(&mut named, home.join("git/checkouts"), CARGO_GIT);
        }
        named.sort_by_key(|(dir, _)| std::cmp::Reverse(dir.as_os_str().len()));
        named.dedup();
        let mut out_dir = Vec::new();
        if let Some(dir) = env("OUT_DIR") {
            if let Ok(canonical) = dir.canonicalize()
                && canonical != dir
            {
                out_dir.push(canonical);
            }
            out_dir.push(dir);
        }
        Roots {
            out_dir,
            package_root: env("CARGO_MANIFEST_DIR"),
            named,
        }
    }

    /// An absolute file path as the graph writes it: `$OUT_DIR/…`, relative to the package
    /// root, or `$ROOT/…` under a named root; `None` when under none of them.
    pub fn file(&self, abs: &Path) -> Option<String> {
        if let Some(rest) = self.out_dir.iter().find_map(|d| abs.strip_prefix(d).ok()) {
            return Some(under(OUT_DIR, rest));
        }
        if let Some(rest) = self
            .package_root
            .as_deref()
            .and_then(|root| abs.strip_prefix(root).ok())
        {
            return Some(slash_path(rest));
        }
        self.named_root(abs)
    }

    /// A directory (the package root itself) as the graph writes it: `$ROOT/…` under a named
    /// root, else unchanged.
    pub fn dir(&self, dir: &str) -> String {
        self.named_root(Path::new(dir))
            .unwrap_or_else(|| dir.to_string())
    }

    fn named_root(&self, abs: &Path) -> Option<String> {
        if let Some(rest) = virtual_rust_src(abs) {
            return Some(under(RUST_SRC, rest));
        }
        self.named
            .iter()
            .find_map(|(dir, root)| abs.strip_prefix(dir).ok().map(|rest| under(root, rest)))
    }
}

fn push_with_canonical(named: &mut Vec<(PathBuf, &'static str)>, dir: PathBuf, root: &'static str) {
    // Cargo and rustc name files by the paths they were given (no canonicalisation), but a
    // symlinked home or toolchain may reach rustc either way: one `canonicalize` per root and
    // compilation, never per file.
    if let Ok(canonical) = dir.canonicalize()
        && canonical != dir
    {
        named.push((canonical, root));
    }
    named.push((dir, root));
}

/// The rest of `/rustc/<commit>/…` or `/rustc-dev/<commit>/…`: the names rustc gives std's and
/// the compiler's files when rust-src or rustc-dev is not installed (the
/// `CFG_VIRTUAL_RUST_SOURCE_BASE_DIR` remapping of rustc_metadata/src/rmeta/decoder.rs).
fn virtual_rust_src(path: &Path) -> Option<&Path> {
    let mut components = path.components();
    if components.next()? != Component::RootDir {
        return None;
    }
    let Component::Normal(top) = components.next()? else {
        return None;
    };
    let Component::Normal(commit) = components.next()? else {
        return None;
    };
    let commit = commit.to_str()?;
    let is_commit = commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit());
    (matches!(top.to_str()?, "rustc" | "rustc-dev") && is_commit).then_some(components.as_path())
}

fn under(root: &str, rest: &Path) -> String {
    if rest.as_os_str().is_empty() {
        root.to_string()
    } else {
        format!("{root}/{}", slash_path(rest))
    }
}

pub fn slash_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
