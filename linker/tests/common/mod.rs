//! Small crate graphs built in code: `app` (workspace member) calls `lib-b` and std; `lib-b`
//! wraps a C function. Shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use painter_schema::*;

pub const APP: &str = "app@0.1.0";
pub const LIB_B: &str = "lib-b@1.2.3";
pub const APP_MAIN: &str = "aaaa:01";
pub const APP_HELPER: &str = "aaaa:02";
pub const B_COMPUTE: &str = "bbbb:10";
pub const B_WRAPPER: &str = "bbbb:11";
pub const B_WRITE: &str = "bbbb:12";
pub const STD_PUSH: &str = "cccc:77";

pub fn span(file: &str, line: u32) -> Span {
    Span {
        file: file.into(),
        line,
        col: 5,
        end_line: line,
        end_col: 20,
    }
}

pub fn info(package: &str, version: &str, stable_id: &str, primary: bool) -> CrateInfo {
    CrateInfo {
        configurations: Vec::new(),
        name: package.replace('-', "_"),
        package: package.into(),
        version: version.into(),
        kind: "lib".into(),
        stable_id: stable_id.into(),
        features: vec!["default".into()],
        target: "x86_64-unknown-linux-gnu".into(),
        source: if primary { "path" } else { "registry" }.into(),
        primary,
        edition: "2021".into(),
        links: None,
        manifest_dir: None,
    }
}

pub fn empty_crate(info: CrateInfo) -> CrateGraph {
    CrateGraph {
        schema_version: SCHEMA_VERSION,
        painter_version: PAINTER_VERSION.into(),
        toolchain: "rustc 1.101.0-nightly".into(),
        krate: info,
        status: Status::Ok,
        error: None,
        analysis_ms: 3,
        functions: vec![],
        unsafe_ops: vec![],
        unsafe_blocks: vec![],
        calls: vec![],
        ffi: Ffi::default(),
        declarations: vec![],
        address_taken: vec![],
        counts: Counts::default(),
    }
}

pub fn function(id: &str, path: &str, kind: FunctionKind, line: u32) -> Function {
    Function {
        configs: Vec::new(),
        id: id.into(),
        path: path.into(),
        kind,
        is_unsafe: false,
        public: true,
        span: span("src/lib.rs", line),
        parent: None,
        unsafe_ops: 0,
        unsafe_blocks: 0,
        implements: None,
        impl_self_ty: None,
        impl_trait: None,
        impl_args: Vec::new(),
        impl_generics: 0,
    }
}

pub fn call(
    caller: &str,
    callee: Option<&str>,
    path: &str,
    krate: &str,
    kind: CallKind,
    line: u32,
) -> Call {
    Call {
        configs: Vec::new(),
        caller: caller.into(),
        callee: callee.map(Into::into),
        callee_path: path.into(),
        callee_crate: krate.into(),
        kind,
        span: span("src/lib.rs", line),
        trait_method: None,
        detail: None,
        from_macro: None,
        target_crate: None,
        external: false,
        candidates: None,
        args: Vec::new(),
    }
}

pub fn op(function: &str, kind: UnsafeOpKind, line: u32) -> UnsafeOp {
    UnsafeOp {
        configs: Vec::new(),
        function: function.into(),
        kind,
        span: span("src/lib.rs", line),
        context: Context {
            kind: ContextKind::UnsafeBlock,
            block: Some(span("src/lib.rs", line)),
            in_unsafe_fn: false,
        },
        callee: None,
        target: None,
        from_macro: None,
    }
}

/// `app`: `main` calls its own `helper`, `lib_b::compute`, `Vec::push` (std) and a fn pointer;
/// `helper` dereferences a raw pointer.
pub fn crate_app() -> CrateGraph {
    let mut g = empty_crate(info("app", "0.1.0", "aaaa", true));
    g.functions = vec![
        function(APP_MAIN, "app::main", FunctionKind::Fn, 1),
        function(APP_HELPER, "app::helper", FunctionKind::Fn, 10),
    ];
    g.calls = vec![
        call(
            APP_MAIN,
            Some(APP_HELPER),
            "app::helper",
            "app",
            CallKind::Static,
            2,
        ),
        call(
            APP_MAIN,
            Some(B_COMPUTE),
            "lib_b::compute",
            "lib_b",
            CallKind::Static,
            3,
        ),
        call(
            APP_MAIN,
            Some(STD_PUSH),
            "std::vec::Vec::<T, A>::push",
            "alloc",
            CallKind::Static,
            4,
        ),
        call(APP_MAIN, None, "fn(i32) -> i32", "", CallKind::FnPtr, 5),
    ];
    g.unsafe_ops = vec![op(APP_HELPER, UnsafeOpKind::DerefRawPointer, 11)];
    g.unsafe_blocks = vec![UnsafeBlock {
        configs: Vec::new(),
        function: APP_HELPER.into(),
        span: span("src/lib.rs", 11),
        generated: false,
        ops: 1,
        from_macro: None,
    }];
    g.recount();
    g
}

/// `lib-b`: `compute` calls `ffi_wrapper` and `Vec::push`; `ffi_wrapper` calls the C `write`.
pub fn crate_b() -> CrateGraph {
    let mut g = empty_crate(info("lib-b", "1.2.3", "bbbb", false));
    g.functions = vec![
        function(B_COMPUTE, "lib_b::compute", FunctionKind::Fn, 1),
        function(B_WRAPPER, "lib_b::ffi_wrapper", FunctionKind::Fn, 10),
        function(B_WRITE, "lib_b::sys::write", FunctionKind::ForeignFn, 20),
    ];
    g.calls = vec![
        call(
            B_COMPUTE,
            Some(B_WRAPPER),
            "lib_b::ffi_wrapper",
            "lib_b",
            CallKind::Static,
            2,
        ),
        call(
            B_COMPUTE,
            Some(STD_PUSH),
            "std::vec::Vec::<T, A>::push",
            "alloc",
            CallKind::Static,
            3,
        ),
        call(
            B_WRAPPER,
            Some(B_WRITE),
            "lib_b::sys::write",
            "lib_b",
            CallKind::Ffi,
            11,
        ),
    ];
    g.unsafe_ops = vec![op(B_WRAPPER, UnsafeOpKind::CallUnsafeFn, 11)];
    g.ffi.imports = vec![FfiImport {
        configs: Vec::new(),
        function: Some(B_WRAPPER.into()),
        item: B_WRITE.into(),
        item_path: "lib_b::sys::write".into(),
        symbol: "write".into(),
        abi: "C".into(),
        library: Some("c".into()),
        library_source: Some("link_attr".into()),
        link_kind: Some("dylib".into()),
        item_kind: "fn".into(),
        span: span("src/lib.rs", 11),
    }];
    g.ffi.native_libraries = vec![NativeLibrary {
        configs: Vec::new(),
        name: "c".into(),
        kind: "dylib".into(),
        source: "link_attr".into(),
    }];
    g.declarations = vec![Declaration {
        configs: Vec::new(),
        kind: DeclarationKind::UnsafeFn,
        path: "lib_b::sys::write".into(),
        span: span("src/lib.rs", 20),
        id: Some(B_WRITE.into()),
        detail: None,
        public: false,
        from_macro: None,
    }];
    g.recount();
    g
}

pub fn write_json(dir: &Path, name: &str, graph: &CrateGraph) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec_pretty(graph).unwrap()).unwrap();
    path
}

pub fn find_call<'a>(
    graph: &'a LinkedGraph,
    key: &str,
    caller: &str,
    callee_path: &str,
) -> &'a Call {
    graph.crates[key]
        .calls
        .iter()
        .find(|c| c.caller == caller && c.callee_path == callee_path)
        .unwrap_or_else(|| panic!("no call {caller} -> {callee_path} in {key}"))
}
