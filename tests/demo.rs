//! The bundled demo shows every kind of fact, with counts that match its source exactly (the
//! README runs `cargo painter` on it).

use std::collections::BTreeSet;

use painter_schema::{CallKind, DeclarationKind, UnsafeOpKind};
use painter_tests::{assert_success, cargo_painter, crate_graphs, find, linked_graph};

#[test]
fn demo_shows_every_kind_of_fact() {
    let dir = tempfile::tempdir().unwrap();
    painter_tests::copy_dir(
        &painter_tests::repo_root().join("examples/demo"),
        dir.path(),
    );
    let output = cargo_painter(dir.path(), &["--locked"]);
    assert_success(&output);
    let out = dir.path().join("target/painter");
    let graphs = crate_graphs(&out);
    let core = find(&graphs, "demo-core", "lib");

    // Declarations, counted by hand in demo-core/src: `RingBuffer::get_unchecked`;
    // `unsafe trait Pod` with impls for u8 and u32, and `unsafe impl Send for RingBuffer`.
    let c = &core.counts;
    assert_eq!((c.unsafe_fns, c.unsafe_impls, c.unsafe_traits), (1, 3, 1));
    let send = core.declarations.iter().find(|d| {
        d.kind == DeclarationKind::UnsafeImpl && d.detail.as_deref() == Some("core::marker::Send")
    });
    assert!(send.is_some(), "{:?}", core.declarations);
    assert!(
        core.declarations
            .iter()
            .any(|d| d.kind == DeclarationKind::UnsafeAttribute
                && d.detail.as_deref() == Some("no_mangle"))
    );
    // Unsafe operations by kind, as rustc's E0133 would list them (tests/e0133.rs checks spans).
    let kinds: BTreeSet<UnsafeOpKind> = core.unsafe_ops.iter().map(|op| op.kind).collect();
    for kind in [
        UnsafeOpKind::CallUnsafeFn,
        UnsafeOpKind::DerefRawPointer,
        UnsafeOpKind::UseStaticMut,
        UnsafeOpKind::UseExternStatic,
        UnsafeOpKind::AccessUnionField,
    ] {
        assert!(kinds.contains(&kind), "demo-core has no {kind}");
    }
    assert_eq!(
        c.unsafe_blocks_user,
        core.unsafe_blocks.iter().filter(|b| !b.generated).count() as u64
    );

    // FFI: the C library built by the build script, libc, a callback, an export.
    let libs: Vec<&str> = core
        .ffi
        .native_libraries
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(libs, ["democsum"]);
    let checksum = core
        .ffi
        .imports
        .iter()
        .find(|i| i.symbol == "demo_checksum")
        .expect("C call");
    assert_eq!(
        (checksum.library.as_deref(), checksum.abi.as_str()),
        (Some("democsum"), "C")
    );
    assert!(
        core.ffi.imports.iter().any(|i| i.symbol == "getpid"),
        "libc call"
    );
    assert!(
        core.ffi
            .callbacks
            .iter()
            .any(|cb| cb.callback_path.ends_with("square")),
        "{:?}",
        core.ffi.callbacks
    );
    assert!(core.ffi.exports.iter().any(|e| e.symbol == "demo_ring_len"));

    // Every call kind a reader of the README looks for, somewhere in the two members.
    let graph = linked_graph(&out.join("graph"));
    let members = graph.crates.values().filter(|g| g.krate.primary);
    let call_kinds: BTreeSet<CallKind> = members.flat_map(|g| &g.calls).map(|c| c.kind).collect();
    for kind in [
        CallKind::Static,
        CallKind::TraitResolved,
        CallKind::TraitGeneric,
        CallKind::Dyn,
        CallKind::FnPtr,
        CallKind::Closure,
        CallKind::Drop,
        CallKind::Ffi,
    ] {
        assert!(call_kinds.contains(&kind), "the demo has no {kind} call");
    }
    // demo-app calls into demo-core: resolved across crates.
    let app = graph
        .crates
        .values()
        .find(|g| g.krate.package == "demo-app")
        .unwrap();
    assert!(
        app.calls
            .iter()
            .any(|c| c.target_crate.as_deref() == Some("demo-core@0.1.0"))
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("demo-core@0.1.0 *") && stdout.contains("democsum"),
        "{stdout}"
    );

    // `stats` adds the FFI boundary: demo-core's three C functions, all used, from the C
    // library its build script links; libc's declarations, of which a few are used.
    let stats = std::process::Command::new(&painter_tests::binaries().cargo_painter)
        .args(["painter", "stats"])
        .arg(out.join("graph"))
        .output()
        .unwrap();
    assert_success(&stats);
    let stats = String::from_utf8_lossy(&stats.stdout);
    let ffi = stats.split("FFI boundary").nth(1).expect("an FFI section");
    let core_line = ffi
        .lines()
        .find(|l| l.starts_with("demo-core@0.1.0 "))
        .unwrap();
    let cells: Vec<&str> = core_line.split_whitespace().collect();
    assert_eq!(&cells[1..5], ["3", "3", "1", "1"], "{core_line}");
    assert!(
        core_line.contains("democsum (static, build script)"),
        "{core_line}"
    );
    let libc_line = ffi.lines().find(|l| l.starts_with("libc@")).unwrap();
    assert!(
        libc_line.contains("demo-core@0.1.0"),
        "libc is used from demo-core: {libc_line}"
    );
}
