use std::{
    path::Path,
    process::Command,
    time::{Duration, SystemTime},
};

use super::*;

/// A unit directory as cargo's build-dir layout leaves it; `finished` writes the fingerprint
/// cargo writes last.
fn unit(target: &Path, package: &str, hash: &str, finished: bool) -> PathBuf {
    let dir = build_dir(target).join(package).join(hash);
    fs::create_dir_all(dir.join("fingerprint")).unwrap();
    fs::create_dir_all(dir.join("out")).unwrap();
    fs::write(
        dir.join("out").join(format!("lib{package}-{hash}.rmeta")),
        hash,
    )
    .unwrap();
    fs::write(dir.join("fingerprint/dep-lib"), b"deps").unwrap();
    for suffix in [names::CRATE_FILE_SUFFIX, names::KEY_FILE_SUFFIX] {
        fs::write(
            dir.join("out").join(format!("{package}-{hash}{suffix}")),
            "{}",
        )
        .unwrap();
    }
    if finished {
        fs::write(dir.join(format!("fingerprint/lib-{package}")), hash).unwrap();
        fs::write(dir.join(format!("fingerprint/lib-{package}.json")), "{}").unwrap();
    }
    dir
}

fn packages(names: &[&str]) -> HashSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

fn keys(units: &[(&str, &str)]) -> HashSet<UnitKey> {
    units
        .iter()
        .map(|(p, h)| (p.to_string(), h.to_string()))
        .collect()
}

#[test]
fn only_finished_units_are_published() {
    let tmp = tempfile::tempdir().unwrap();
    let slot = tmp.path().join("slot-0");
    unit(&slot, "dep", "00aa11bb22cc33dd", true);
    unit(&slot, "broken", "44ee55ff66007711", false);
    // A staging directory left by a killed run is not a unit.
    unit(&slot, "dep", ".8899aabbccddeeff.importing", true);
    let pool = UnitPool::new(tmp.path().join("units"));
    let copied = pool.publish(&slot).unwrap();
    assert_eq!(copied.units, 1);
    assert_eq!(
        pool.with_known(|k| k.clone()).unwrap(),
        keys(&[("dep", "00aa11bb22cc33dd")])
    );
    // What another process (a resumed run) finds on disk is the same.
    let reread = UnitPool::new(tmp.path().join("units"));
    assert_eq!(
        reread.with_known(|k| k.clone()).unwrap(),
        keys(&[("dep", "00aa11bb22cc33dd")])
    );
    // Published once: a second publish copies nothing.
    assert_eq!(pool.publish(&slot).unwrap(), Copied::default());
}

#[test]
fn import_copies_what_the_worker_lacks_with_its_times() {
    let tmp = tempfile::tempdir().unwrap();
    let (slot0, slot1) = (tmp.path().join("slot-0"), tmp.path().join("slot-1"));
    let shared = unit(&slot0, "dep", "00aa11bb22cc33dd", true);
    let rmeta = shared.join("out/libdep-00aa11bb22cc33dd.rmeta");
    let old = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
    fs::File::options()
        .write(true)
        .open(&rmeta)
        .unwrap()
        .set_modified(old)
        .unwrap();
    // slot-1 has its own copy of another unit, which import must leave alone.
    let own = unit(&slot1, "other", "1234123412341234", true);
    fs::write(own.join("out/marker"), "mine").unwrap();

    let pool = UnitPool::new(tmp.path().join("units"));
    pool.publish(&slot0).unwrap();
    // The pool keeps the unit as it was built...
    let pooled = tmp
        .path()
        .join("units/dep/00aa11bb22cc33dd/out/libdep-00aa11bb22cc33dd.rmeta");
    assert_eq!(fs::metadata(&pooled).unwrap().modified().unwrap(), old);
    // ...without the driver's files: the unit's graph is in the run's cache.
    let pooled_files: Vec<_> = fs::read_dir(pooled.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(pooled_files, ["libdep-00aa11bb22cc33dd.rmeta"]);
    let before = SystemTime::now();
    // Not for an entry whose lock file does not name the package.
    assert_eq!(
        pool.import(&slot1, &packages(&["other"])).unwrap(),
        Copied::default()
    );
    let copied = pool.import(&slot1, &packages(&["dep", "other"])).unwrap();
    assert_eq!(copied.units, 1);
    // ...and a worker gets it with one time for all its files, that of the import.
    let imported = build_dir(&slot1).join("dep/00aa11bb22cc33dd");
    let copy = imported.join("out/libdep-00aa11bb22cc33dd.rmeta");
    assert_eq!(fs::read(&copy).unwrap(), b"00aa11bb22cc33dd");
    assert!(
        !imported
            .join("out/dep-00aa11bb22cc33dd.painter.json")
            .exists()
    );
    let time = fs::metadata(&copy).unwrap().modified().unwrap();
    assert!(time >= before, "{time:?} is before the import");
    for file in [
        "fingerprint/lib-dep.json",
        "fingerprint/lib-dep",
        "fingerprint/dep-lib",
    ] {
        assert_eq!(
            fs::metadata(imported.join(file))
                .unwrap()
                .modified()
                .unwrap(),
            time
        );
    }
    assert_eq!(fs::read_to_string(own.join("out/marker")).unwrap(), "mine");
    // slot-1's own unit goes the other way, and slot-0 then has both.
    pool.publish(&slot1).unwrap();
    assert_eq!(
        pool.import(&slot0, &packages(&["dep", "other"]))
            .unwrap()
            .units,
        1
    );
    assert!(build_dir(&slot0).join("other/1234123412341234").is_dir());
    // Nothing left to copy in either direction.
    assert_eq!(
        pool.import(&slot1, &packages(&["dep", "other"])).unwrap(),
        Copied::default()
    );
    assert_eq!(pool.publish(&slot0).unwrap(), Copied::default());
}

#[test]
fn the_first_of_two_workers_publishing_a_unit_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let (slot0, slot1) = (tmp.path().join("slot-0"), tmp.path().join("slot-1"));
    unit(&slot0, "dep", "00aa11bb22cc33dd", true);
    unit(&slot1, "dep", "00aa11bb22cc33dd", true);
    fs::write(
        build_dir(&slot1).join("dep/00aa11bb22cc33dd/out/second"),
        "",
    )
    .unwrap();
    // Two pools over one directory stand for two workers that both built the unit before
    // either published it.
    let (a, b) = (
        UnitPool::new(tmp.path().join("units")),
        UnitPool::new(tmp.path().join("units")),
    );
    a.with_known(|_| ()).unwrap();
    b.with_known(|_| ()).unwrap();
    a.publish(&slot0).unwrap();
    b.publish(&slot1).unwrap();
    let pooled = tmp.path().join("units/dep/00aa11bb22cc33dd");
    assert!(!pooled.join("out/second").exists());
    let left: Vec<_> = fs::read_dir(tmp.path().join("units/dep"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["00aa11bb22cc33dd"], "no staging directory is left");
}

/// The point of the pool, with cargo itself: a unit built in one target directory, published
/// and imported into another, is `Fresh` there, build script (whose `OUT_DIR` is an absolute
/// path of the first directory) included; only the crate no worker built is checked.
#[test]
fn cargo_finds_imported_units_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    let write = |path: &str, text: &str| {
        let path = ws.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"dep\", \"a\", \"b\"]\nresolver = \"2\"\n",
    );
    write(
        "dep/Cargo.toml",
        "[package]\nname = \"dep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(
        "dep/build.rs",
        "fn main() {\n    let out = std::env::var(\"OUT_DIR\").unwrap();\n    \
         std::fs::write(format!(\"{out}/n.rs\"), \"7\").unwrap();\n    \
         println!(\"cargo::rustc-cfg=from_build\");\n    \
         println!(\"cargo::rustc-check-cfg=cfg(from_build)\");\n}\n",
    );
    write(
        "dep/src/lib.rs",
        "#[cfg(from_build)]\npub const N: u32 = include!(concat!(env!(\"OUT_DIR\"), \"/n.rs\"));\n",
    );
    for member in ["a", "b"] {
        write(
            &format!("{member}/Cargo.toml"),
            &format!(
                "[package]\nname = \"{member}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\ndep = {{ path = \"../dep\" }}\n"
            ),
        );
        write(&format!("{member}/src/lib.rs"), "pub use dep::N;\n");
    }
    let check = |package: &str, target: &Path| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let out = Command::new(cargo)
            .args(["check", "--offline", "--color", "never", "-p", package])
            .arg("--target-dir")
            .arg(target)
            .current_dir(&ws)
            // rustc through rustup's proxy, outside the repository's rust-toolchain.toml.
            .env("RUSTUP_TOOLCHAIN", crate::cargo::toolchain::PINNED)
            .env_remove("RUSTC_WRAPPER")
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_BUILD_DIR")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "cargo check -p {package}: {stderr}");
        stderr
    };
    let (slot0, slot1) = (tmp.path().join("slot-0"), tmp.path().join("slot-1"));
    let first = check("a", &slot0);
    assert!(first.contains("dep v0.1.0"), "{first}");
    let pool = UnitPool::new(tmp.path().join("units"));
    // dep's build script (compiled), its run, dep itself and a.
    assert_eq!(pool.publish(&slot0).unwrap().units, 4);
    let lock = ws.join("Cargo.lock");
    let locked = locked_packages(&lock).expect("cargo wrote the lock file");
    assert_eq!(locked, packages(&["a", "b", "dep"]));
    assert_eq!(pool.import(&slot1, &locked).unwrap().units, 4);
    let second = check("b", &slot1);
    assert!(second.contains("Checking b"), "{second}");
    assert!(
        !second.contains("dep v0.1.0"),
        "dep was built again: {second}"
    );
}
