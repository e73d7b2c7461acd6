//! The machine's pool of built units, so that a dependency shared by several entries is
//! compiled and analysed once per machine and not once per worker.
//!
//! Each worker keeps its own target directory, because cargo locks a target directory for a
//! whole build (per-unit locks deadlock, see docs/ecosystem.md). What makes sharing possible
//! is cargo's build-dir layout (the default on the pinned nightly): every unit is one
//! self-contained directory `debug/build/<package>/<unit hash>/` holding its outputs, its
//! fingerprint, its build-script run and the driver's graph file, and the unit hash covers
//! everything cargo would rebuild it for. Every sandbox mounts its worker's directory at the
//! same inner path, so the absolute paths inside a unit (a build script's `root-output`,
//! dep-info) are the same in every worker.
//!
//! After a build the runner copies the worker's finished units the pool lacks into
//! `<out>/work/units/`; before a build it copies the pooled units the worker lacks into its
//! target directory. Cargo then finds them `Fresh` (the copies' modification times are set so
//! that its fingerprints' comparisons hold, see `import`) and compiles only what no worker has
//! built yet.
//!
//! Copies, not hard links: cargo rewrites a fingerprint file in place when it rebuilds a unit,
//! which through a shared inode would change another worker's unit under its feet. The
//! driver's files are not copied (`is_driver_file`).

use std::{
    collections::HashSet,
    fs,
    io::{self, ErrorKind},
    path::{Path, PathBuf},
    sync::Mutex,
    time::SystemTime,
};

use painter_schema::names;

/// A unit's place under `debug/build/`: `(package, unit hash)`.
type UnitKey = (String, String);

pub struct UnitPool {
    /// `<out>/work/units/<package>/<unit hash>/`.
    dir: PathBuf,
    /// The units in `dir`, read once and then kept up to date by `publish`.
    known: Mutex<Option<HashSet<UnitKey>>>,
}

/// What one `import` or `publish` copied.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub units: usize,
    pub bytes: u64,
}

impl UnitPool {
    pub fn new(dir: PathBuf) -> UnitPool {
        UnitPool {
            dir,
            known: Mutex::new(None),
        }
    }

    /// Copy into the worker's `target` directory every pooled unit of `packages` it lacks.
    ///
    /// Only the packages of the entry's lock file: a unit of any other package cannot be part
    /// of its build, and at the scale of a large list a worker given every pooled unit would
    /// hold all of them.
    pub fn import(&self, target: &Path, packages: &HashSet<String>) -> io::Result<Copied> {
        let build = build_dir(target);
        let mut copied = Copied::default();
        // Cargo finds a unit stale when a dependency's outputs are newer than its own
        // (`check_filesystem` in cargo's fingerprint module; equal times are fresh). The pool
        // mixes units from several workers' timelines, and the worker has units of its own: a
        // unit given the time of its build could be older than a dependency the worker built
        // later. One time for everything imported now, after every unit the worker has and
        // before every unit it will build, keeps all those orders right.
        let now = SystemTime::now();
        let wanted: Vec<UnitKey> = self.with_known(|known| {
            known
                .iter()
                .filter(|(package, _)| packages.contains(package))
                .cloned()
                .collect()
        })?;
        for (package, hash) in wanted {
            let dest = build.join(&package).join(&hash);
            if dest.exists() {
                continue;
            }
            create_dir_owned_like_parent(dest.parent().expect("a unit has a package directory"))?;
            let staging = build.join(&package).join(format!(".{hash}.importing"));
            remove_if_present(&staging)?;
            copied.bytes += copy_tree(&self.dir.join(&package).join(&hash), &staging, Some(now))?;
            rename_unless_present(&staging, &dest)?;
            copied.units += 1;
        }
        Ok(copied)
    }

    /// Copy into the pool every finished unit of the worker's `target` directory the pool
    /// lacks. Call it only when no build runs in `target`.
    pub fn publish(&self, target: &Path) -> io::Result<Copied> {
        // The worker's directory name (`slot-<i>`) keeps the workers' staging apart.
        let worker = target.file_name().unwrap_or_default().to_string_lossy();
        let build = build_dir(target);
        let mut copied = Copied::default();
        for key in unit_dirs(&build)? {
            // Units the pool has are passed over before their fingerprint is read: a worker's
            // directory holds every unit it imported too.
            if self.with_known(|known| known.contains(&key))? {
                continue;
            }
            let (package, hash) = &key;
            let source = build.join(package).join(hash);
            if !fingerprint_written(&source.join("fingerprint"))? {
                continue;
            }
            let dest = self.dir.join(package).join(hash);
            fs::create_dir_all(dest.parent().expect("a unit has a package directory"))?;
            // Staged under a name no other worker uses, then renamed: a unit in the pool is
            // always complete, and two workers publishing the same unit keep the first.
            let staging = self.dir.join(package).join(format!(".{hash}.{worker}"));
            remove_if_present(&staging)?;
            copied.bytes += copy_tree(&source, &staging, None)?;
            rename_unless_present(&staging, &dest)?;
            copied.units += 1;
            self.with_known(|known| known.insert(key))?;
        }
        Ok(copied)
    }

    /// `f` on the pooled units: the directory is read on first use, then `publish` keeps the
    /// set up to date.
    fn with_known<R>(&self, f: impl FnOnce(&mut HashSet<UnitKey>) -> R) -> io::Result<R> {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        let known = match &mut *known {
            Some(known) => known,
            None => {
                fs::create_dir_all(&self.dir)?;
                known.insert(finished_units(&self.dir)?)
            }
        };
        Ok(f(known))
    }
}

/// The names of the packages in a lock file (cargo's build-dir layout names a unit's
/// directory after its package); `None` when it cannot be read.
pub fn locked_packages(lock: &Path) -> Option<HashSet<String>> {
    let lock = cargo_lock::Lockfile::load(lock).ok()?;
    Some(
        lock.packages
            .into_iter()
            .map(|p| p.name.as_str().to_owned())
            .collect(),
    )
}

/// Where cargo's build-dir layout puts the units of `cargo check`'s (dev) profile.
fn build_dir(target: &Path) -> PathBuf {
    target.join("debug").join("build")
}

/// The units under `build` whose fingerprint cargo wrote: it writes `<name>` and
/// `<name>.json` in `fingerprint/` only after the unit built, so a unit whose compilation
/// failed or was killed has none.
fn finished_units(build: &Path) -> io::Result<HashSet<UnitKey>> {
    let mut finished = HashSet::new();
    for (package, hash) in unit_dirs(build)? {
        if fingerprint_written(&build.join(&package).join(&hash).join("fingerprint"))? {
            finished.insert((package, hash));
        }
    }
    Ok(finished)
}

/// Every unit directory under `build` (`<package>/<hash>`), finished or not; staging
/// directories (`.<hash>.…`) are not units.
fn unit_dirs(build: &Path) -> io::Result<Vec<UnitKey>> {
    let mut units = Vec::new();
    for package in read_dir_if_present(build)? {
        let package = package?;
        if !package.file_type()?.is_dir() {
            continue;
        }
        let name = package.file_name().to_string_lossy().into_owned();
        for unit in fs::read_dir(package.path())? {
            let unit = unit?;
            let hash = unit.file_name().to_string_lossy().into_owned();
            if !hash.starts_with('.') && unit.file_type()?.is_dir() {
                units.push((name.clone(), hash));
            }
        }
    }
    Ok(units)
}

fn fingerprint_written(dir: &Path) -> io::Result<bool> {
    for file in read_dir_if_present(dir)? {
        let name = file?.file_name();
        let name = name.to_string_lossy();
        if let Some(stem) = name.strip_suffix(".json")
            && dir.join(stem).is_file()
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Copy a directory tree with its files' permissions, their modification times (cargo's
/// fingerprints compare them) or `modified` for all, and where we may their owner: a sandboxed
/// build runs as another user than the runner and must be able to rebuild a unit it was
/// given. Symbolic links are copied as links. The bytes copied.
fn copy_tree(source: &Path, dest: &Path, modified: Option<SystemTime>) -> io::Result<u64> {
    fs::create_dir(dest)?;
    same_owner(dest, &fs::metadata(source)?)?;
    let mut bytes = 0;
    for entry in fs::read_dir(source)? {
        let entry = entry?;
        let (from, to) = (entry.path(), dest.join(entry.file_name()));
        let kind = entry.file_type()?;
        if kind.is_dir() {
            bytes += copy_tree(&from, &to, modified)?;
            continue;
        }
        if is_driver_file(&entry.file_name()) {
            continue;
        }
        let meta = entry.metadata()?;
        if kind.is_symlink() {
            std::os::unix::fs::symlink(fs::read_link(&from)?, &to)?;
        } else {
            bytes += fs::copy(&from, &to)?;
            fs::File::options()
                .write(true)
                .open(&to)?
                .set_modified(modified.map_or_else(|| meta.modified(), Ok)?)?;
        }
        same_owner(&to, &meta)?;
    }
    Ok(bytes)
}

/// The driver's per-crate file and its key. The worker that built a unit put its graph into
/// the run's cache (`run::collect_units`) before publishing it, and every later build finds
/// it there, so these files (a third of a pool's bytes, 245 of 663 MB on `popular-100.txt`)
/// would only be copied. Without them a unit cargo rebuilds is analysed again (the driver
/// reuses nothing it cannot see), as in a directory of its own.
fn is_driver_file(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.ends_with(names::CRATE_FILE_SUFFIX) || name.ends_with(names::KEY_FILE_SUFFIX)
}

/// `fs::create_dir_all`, each new directory owned like the one it is made in (a worker's
/// target directory belongs to the sandbox's user, see `sandbox::limits::chown_tree`).
fn create_dir_owned_like_parent(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let parent = dir.parent().expect("a unit directory has parents");
    create_dir_owned_like_parent(parent)?;
    match fs::create_dir(dir) {
        Err(e) if e.kind() != ErrorKind::AlreadyExists => return Err(e),
        _ => {}
    }
    same_owner(dir, &fs::metadata(parent)?)
}

/// Give `path` the owner of `like`; only a root runner can, and only it needs to.
fn same_owner(path: &Path, like: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = fs::symlink_metadata(path)?;
    if (meta.uid(), meta.gid()) == (like.uid(), like.gid()) {
        return Ok(());
    }
    match std::os::unix::fs::lchown(path, Some(like.uid()), Some(like.gid())) {
        Err(e) if e.kind() == ErrorKind::PermissionDenied => Ok(()),
        other => other,
    }
}

/// Move `staging` to `dest`, or drop it when `dest` appeared meanwhile (another worker put
/// the same unit there first; the unit hash makes the two the same unit).
fn rename_unless_present(staging: &Path, dest: &Path) -> io::Result<()> {
    if dest.exists() {
        return fs::remove_dir_all(staging);
    }
    match fs::rename(staging, dest) {
        Ok(()) => Ok(()),
        // Renaming onto a non-empty directory fails: the other worker won the race.
        Err(e) if dest.exists() => {
            log::debug!("unit pool: {} already there ({e})", dest.display());
            fs::remove_dir_all(staging)
        }
        Err(e) => Err(e),
    }
}

fn remove_if_present(dir: &Path) -> io::Result<()> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn read_dir_if_present(dir: &Path) -> io::Result<impl Iterator<Item = io::Result<fs::DirEntry>>> {
    match fs::read_dir(dir) {
        Ok(entries) => Ok(Some(entries).into_iter().flatten()),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None.into_iter().flatten()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests;
