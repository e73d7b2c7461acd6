//! The compiler's object code as the judge of FFI imports: real crates that bind C (flate2 over
//! libz-sys, libsqlite3-sys with bundled SQLite, nix over libc) are built for real, and every
//! undefined non-Rust symbol in each crate's own object files must be an FFI import painter
//! found — in that crate, or in a function of a dependency it calls (code that is generic or
//! `#[inline]` is compiled into the calling crate) — with the native library that provides it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::process::Command;

use painter_schema::{CrateGraph, LinkedGraph};
use painter_tests::{
    assert_success, cargo_painter, linked_graph, pinned_toolchain, scratch_fixture,
};

/// Symbols in Rust object code that no Rust source declares: what codegen emits (memory
/// intrinsics lowered to libc calls, unwinding) and `strlen`, which `core::ffi::CStr` declares
/// and which `#[inline]` CStr functions bring into every crate that uses them (the standard
/// library is not analysed, so that import has no place in the graph).
const FROM_CODEGEN_OR_STD: &[&str] = &[
    "memcpy",
    "memmove",
    "memset",
    "memcmp",
    "bcmp",
    "strlen",
    "rust_eh_personality",
    "_Unwind_Resume",
    "__rust_probestack",
    "__tls_get_addr",
    "_GLOBAL_OFFSET_TABLE_",
];

/// The crates whose object code is checked.
const CHECKED: &[&str] = &[
    "libz_sys",
    "flate2",
    "libsqlite3_sys",
    "libc",
    "nix",
    "sys_crates",
];

#[test]
fn undefined_c_symbols_of_compiled_crates_are_ffi_imports() {
    let dir = scratch_fixture("sys-crates");
    assert_success(&cargo_painter(dir.path(), &[]));
    let graph = linked_graph(&dir.path().join("target/painter/graph"));
    let rlibs = build_rlibs(dir.path());
    let nm = llvm_nm();

    let mut report = Vec::new();
    let mut failures = Vec::new();
    for name in CHECKED {
        let (key, krate) = crate_named(&graph, name);
        let rlib = rlibs
            .get(*name)
            .unwrap_or_else(|| panic!("cargo built no rlib for {name}: {rlibs:?}"));
        let undefined = undefined_c_symbols(&nm, rlib);
        let direct: HashMap<&str, Option<&str>> = krate
            .ffi
            .imports
            .iter()
            .map(|i| (i.symbol.as_str(), i.library.as_deref()))
            .collect();
        let reached = imports_reached_from(&graph, key);
        let (mut n_direct, mut n_reached) = (0, 0);
        for symbol in &undefined {
            if direct.contains_key(symbol.as_str()) {
                n_direct += 1;
            } else if reached.contains(symbol.as_str()) {
                n_reached += 1;
            } else {
                failures.push(format!("{name}: `{symbol}` is not an FFI import"));
            }
        }
        report.push(format!(
            "{name:<16} {:>4} undefined C symbols: {n_direct:>4} imported by the crate, \
             {n_reached:>3} by a callee compiled into it",
            undefined.len()
        ));
        check_libraries(&graph, krate, &undefined, &mut failures);
    }
    println!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The bindings' libraries, as the build scripts link them.
    let libs = |name: &str| -> Vec<String> {
        let (_, krate) = crate_named(&graph, name);
        let libs = &krate.ffi.native_libraries;
        libs.iter()
            .map(|l| format!("{}:{}", l.name, l.kind))
            .collect()
    };
    assert_eq!(libs("libz_sys"), ["z:static"]);
    assert_eq!(libs("libsqlite3_sys"), ["sqlite3:static"]);
    // The imports really are checked: zlib through flate2, SQLite directly, libc through nix.
    let imported = |name: &str, symbol: &str| {
        let (_, krate) = crate_named(&graph, name);
        krate.ffi.imports.iter().any(|i| i.symbol == symbol)
    };
    assert!(imported("flate2", "deflateInit2_") && imported("flate2", "inflate"));
    assert!(imported("sys_crates", "sqlite3_libversion_number"));
    assert!(imported("nix", "waitpid") && imported("nix", "sigaction"));
}

/// An import of a symbol that the object code references must name the library when the
/// foreign item's crate links one (`-sys` crates do, from their build scripts); `libc`'s items
/// name none, being resolved from the platform's C library.
fn check_libraries(
    graph: &LinkedGraph,
    krate: &CrateGraph,
    undefined: &BTreeSet<String>,
    failures: &mut Vec<String>,
) {
    for import in &krate.ffi.imports {
        if !undefined.contains(&import.symbol) {
            continue;
        }
        let item_crate = graph
            .crates
            .values()
            .find(|c| c.functions.iter().any(|f| f.id == import.item));
        let Some(item_crate) = item_crate else {
            continue;
        };
        let linked: Vec<&str> = item_crate
            .ffi
            .native_libraries
            .iter()
            .map(|l| l.name.as_str())
            .collect();
        if linked.is_empty() {
            continue;
        }
        match import.library.as_deref() {
            Some(lib) if linked.contains(&lib) => {}
            other => failures.push(format!(
                "{}: `{}` names library {other:?}, its crate {} links {linked:?}",
                krate.krate.name, import.symbol, item_crate.krate.name
            )),
        }
    }
}

fn crate_named<'a>(graph: &'a LinkedGraph, name: &str) -> (&'a str, &'a CrateGraph) {
    graph
        .crates
        .iter()
        .find(|(_, c)| c.krate.name == name && c.krate.kind == "lib")
        .map(|(k, c)| (k.as_str(), c))
        .unwrap_or_else(|| panic!("{name} is not in the graph"))
}

/// Symbols of FFI imports in functions reachable (exact call edges) from `key`'s functions,
/// in other crates.
fn imports_reached_from<'a>(graph: &'a LinkedGraph, key: &str) -> HashSet<&'a str> {
    let mut callees: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut imports: HashMap<&str, Vec<&str>> = HashMap::new();
    for krate in graph.crates.values() {
        for call in &krate.calls {
            if let Some(callee) = &call.callee {
                callees.entry(&call.caller).or_default().push(callee);
            }
        }
        for import in &krate.ffi.imports {
            if let Some(function) = &import.function {
                imports.entry(function).or_default().push(&import.symbol);
            }
        }
    }
    let start = &graph.crates[key];
    let mut seen: HashSet<&str> = start.functions.iter().map(|f| f.id.as_str()).collect();
    let mut queue: VecDeque<&str> = seen.iter().copied().collect();
    let mut symbols = HashSet::new();
    while let Some(f) = queue.pop_front() {
        symbols.extend(imports.get(f).into_iter().flatten().copied());
        for &callee in callees.get(f).into_iter().flatten() {
            if seen.insert(callee) {
                queue.push_back(callee);
            }
        }
    }
    symbols
}

/// `cargo build` of the fixture (real codegen, plain rustc): crate name → its rlib.
fn build_rlibs(dir: &Path) -> BTreeMap<String, PathBuf> {
    let output = Command::new("cargo")
        .args(["build", "--lib", "--message-format=json", "--target-dir"])
        .arg(dir.join("target/build"))
        .current_dir(dir)
        .env("RUSTUP_TOOLCHAIN", pinned_toolchain())
        .env_remove("RUSTC_WRAPPER")
        .env_remove("RUSTC_WORKSPACE_WRAPPER")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("running cargo build");
    assert_success(&output);
    let mut rlibs = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let name = message["target"]["name"]
            .as_str()
            .unwrap()
            .replace('-', "_");
        for file in message["filenames"].as_array().unwrap() {
            let file = PathBuf::from(file.as_str().unwrap());
            if file.extension().is_some_and(|e| e == "rlib") {
                rlibs.insert(name.clone(), file);
            }
        }
    }
    rlibs
}

/// `llvm-nm` of the pinned toolchain (its `llvm-tools` component).
fn llvm_nm() -> PathBuf {
    let rustc = |arg: &str| {
        let out = Command::new("rustc")
            .arg(arg)
            .env("RUSTUP_TOOLCHAIN", pinned_toolchain())
            .output()
            .expect("running rustc");
        String::from_utf8(out.stdout).unwrap()
    };
    let sysroot = rustc("--print=sysroot");
    let host = rustc("-vV")
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap()
        .to_owned();
    let nm = Path::new(sysroot.trim()).join(format!("lib/rustlib/{host}/bin/llvm-nm"));
    assert!(
        nm.is_file(),
        "{} missing: the llvm-tools component",
        nm.display()
    );
    nm
}

/// Undefined symbols of the Rust object files (`*.rcgu.o`) in `rlib` that are not Rust
/// symbols (`_R…` v0, `_ZN…` legacy mangling) nor emitted by codegen or std.
fn undefined_c_symbols(nm: &Path, rlib: &Path) -> BTreeSet<String> {
    let output = Command::new(nm)
        .args(["-A", "-u"])
        .arg(rlib)
        .output()
        .expect("running llvm-nm");
    assert_success(&output);
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| l.contains(".rcgu.o:"))
        .filter_map(|l| l.split_whitespace().last())
        .filter(|s| !s.starts_with("_R") && !s.starts_with("_ZN"))
        .filter(|s| !FROM_CODEGEN_OR_STD.contains(s))
        .map(String::from)
        .collect()
}
