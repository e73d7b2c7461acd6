//! The per-crate graph file (`crates/<name>-<version>-<hash>.json`): one crate's records.
//! Every field is documented in `docs/schema.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::kinds::*;
use crate::sym::Sym;

/// A source location. `line`/`col` are 1-based, `col` counted in characters, exactly as rustc's
/// JSON diagnostics report `line_start`/`column_start`. `file` is relative to the package root
/// when the file is inside it; otherwise under a named root (`$RUST_SRC/library/…`,
/// `$CARGO_REGISTRY/…`, `$CARGO_GIT/…`, `$OUT_DIR/…`; docs/schema.md, "Paths"), or else as rustc
/// names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub file: Sym,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// The file is not one of the package's own: under a named root (`$RUST_SRC/…`, …) or an
    /// absolute path (docs/schema.md, "Paths").
    pub fn outside_package(&self) -> bool {
        self.file.starts_with('$') || std::path::Path::new(&*self.file).is_absolute()
    }
}

impl std::fmt::Display for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// Whether a per-crate analysis completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Failed,
}

/// One per-crate graph file: everything the driver learnt about one crate (one rustc invocation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateGraph {
    pub schema_version: u32,
    pub painter_version: String,
    /// `rustc -vV` release line of the compiler that analysed the crate.
    pub toolchain: String,
    #[serde(rename = "crate")]
    pub krate: CrateInfo,
    pub status: Status,
    /// Why the analysis failed (`status: "failed"`); the crate itself still compiled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Wall time of the analysis inside rustc, in milliseconds: painter's query hooks (reading
    /// THIR and built MIR) plus the collection after analysis; writing the file is not counted.
    #[serde(default)]
    pub analysis_ms: u64,
    #[serde(default)]
    pub functions: Vec<Function>,
    #[serde(default)]
    pub unsafe_ops: Vec<UnsafeOp>,
    #[serde(default)]
    pub unsafe_blocks: Vec<UnsafeBlock>,
    #[serde(default)]
    pub calls: Vec<Call>,
    #[serde(default)]
    pub ffi: Ffi,
    #[serde(default)]
    pub declarations: Vec<Declaration>,
    /// Functions whose address is taken (reified to fn pointers) and types put behind `dyn`
    /// (unsizing coercions): the possible targets of `fn_ptr` and `dyn` calls.
    #[serde(default)]
    pub address_taken: Vec<AddressTaken>,
    #[serde(default)]
    pub counts: Counts,
}

/// How a function or type becomes reachable through an indirect call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressTakenKind {
    /// A fn item reified to a fn pointer (`let f: fn(u32) = foo;`, `map(foo)` into a `fn`).
    FnPtr,
    /// A non-capturing closure coerced to a fn pointer.
    ClosureFnPtr,
    /// A value of a concrete type coerced to `dyn Trait`: its impl methods fill the vtable.
    Vtable,
    /// A closure or fn item passed as a generic type argument (`apply(|x| x + 1)`,
    /// `iter.map(double)`): generic code may call it through `Fn*` on its type parameter.
    GenericArg,
}

/// One place where a function's address is taken or a type is put behind `dyn`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AddressTaken {
    /// The body where it happens.
    pub function: String,
    pub kind: AddressTakenKind,
    /// `fn_ptr`/`closure_fn_ptr`: the function (or closure) whose address is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_path: Option<String>,
    /// `fn_ptr`/`closure_fn_ptr`: the fn-pointer type, printed like a `fn_ptr` call's `detail`
    /// (regions erased), so the two can be compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    /// `vtable`: the concrete type coerced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_ty: Option<String>,
    /// `vtable`: id and path of the principal trait of the `dyn` type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trait_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trait_path: Option<String>,
    /// `vtable`: the whole `dyn` type, printed like a `dyn` call's `detail`
    /// (`dyn demo::Meter<u32>`, `dyn std::ops::Fn(u32) -> u32`): calls through a `dyn` of the
    /// same trait with other arguments cannot reach this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dyn_ty: Option<String>,
    /// `generic_arg`: the function called with it as a type argument (whose `Fn*` calls on
    /// that parameter reach it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed_to: Option<String>,
    pub span: Span,
    /// The configurations (`cargo painter --configuration`) in which this record holds, when
    /// not all of its crate's `configurations`; empty means all of them (always, for a crate
    /// analysed in one configuration).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

/// Identity of the analysed crate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrateInfo {
    /// rustc's crate name (`demo_core`).
    pub name: String,
    /// Cargo package name (`demo-core`); equal to `name` outside cargo.
    pub package: String,
    pub version: String,
    /// `lib`, `rlib`, `bin`, `proc-macro`, `build-script`, `cdylib`, `staticlib`, `dylib`, `test`.
    pub kind: String,
    /// rustc's `StableCrateId` in hex: the prefix of every function id of this crate.
    pub stable_id: String,
    pub features: Vec<String>,
    pub target: String,
    /// `registry`, `path` or `git`.
    pub source: String,
    /// A member of the workspace cargo painter was run on.
    pub primary: bool,
    pub edition: String,
    /// The package's `links =` key, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<String>,
    /// The package's root directory (spans inside it are relative to it): absolute for a path
    /// package, `$CARGO_REGISTRY/…` or `$CARGO_GIT/…` for a registry or git package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_dir: Option<String>,
    /// The configurations this crate was analysed in (names given to `cargo painter
    /// --configuration`), sorted; empty when it was analysed in one unnamed configuration.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configurations: Vec<String>,
}

impl CrateInfo {
    /// The key of this crate in a linked graph: `package@version`, with `#bin:<name>`,
    /// `#build-script` or `#<kind>` appended for the targets that are not the package's library.
    pub fn key(&self) -> String {
        let base = format!("{}@{}", self.package, self.version);
        match self.kind.as_str() {
            "lib" | "rlib" | "dylib" | "proc-macro" | "cdylib" | "staticlib" => base,
            "bin" => format!("{base}#bin:{}", self.name),
            "build-script" => format!("{base}#build-script"),
            other => format!("{base}#{other}:{}", self.name),
        }
    }
}

/// The crate part of a function id (`<stable crate id>:<def path hash>`): what names the crate
/// a call lands in. The whole id if it has no `:`.
pub fn crate_prefix(id: &str) -> &str {
    id.split_once(':').map_or(id, |(prefix, _)| prefix)
}

/// A body or item of this crate (or a foreign item declared in it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Function {
    /// `<stable crate id>:<def path hash>` in hex; stable across compilations of the same unit.
    pub id: Sym,
    /// `def_path_str`, crate-qualified and untrimmed, e.g. `<foo::Dog as foo::Animal>::speak`.
    pub path: Sym,
    pub kind: FunctionKind,
    #[serde(rename = "unsafe")]
    pub is_unsafe: bool,
    /// Reachable from outside the crate (`effective_visibilities` says exported).
    pub public: bool,
    pub span: Span,
    /// The enclosing function for closures, coroutines and inline consts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Unsafe operations in this body (not in its closures, which are functions of their own).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unsafe_ops: u32,
    /// `unsafe {}` blocks (user-written and generated) in this body.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unsafe_blocks: u32,
    /// For a method of a trait impl: the id of the trait method it implements (in the trait's
    /// crate id space). The linker uses it to find candidates of `dyn` and generic calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implements: Option<String>,
    /// For a method of a trait impl: the impl's self type as rustc prints it (`demo::Dog`,
    /// `alloc::vec::Vec<T>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impl_self_ty: Option<String>,
    /// For a method of a trait impl: the implemented trait with its arguments, without the
    /// self type (`demo::Meter<u64>`), to tell apart impls of one generic trait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impl_trait: Option<String>,
    /// For a method of a trait impl: the impl's trait reference as generic arguments (self
    /// type first, then the trait's arguments), in the substitutable form of [`Call::args`]
    /// (`["alloc::vec::Vec<#0>", "u32"]`), so the linker can match an instantiation to it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub impl_args: Vec<Sym>,
    /// For a method of a trait impl: how many generic parameters the impl has (the method's
    /// own come after them, `#impl_generics` on).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub impl_generics: u32,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One operation the compiler's unsafety checker would reject outside an unsafe context.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnsafeOp {
    /// Id of the body the op is in (a closure's own id for ops inside closures).
    pub function: Sym,
    pub kind: UnsafeOpKind,
    /// The primary span of the E0133 error rustc would report for this op.
    pub span: Span,
    pub context: Context,
    /// For `call_unsafe_fn` / `call_target_feature_fn`: the callee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee: Option<CalleeRef>,
    /// For `use_static_mut` / `use_extern_static`: the static.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// When the op's code comes out of a macro expansion.
    #[serde(default, rename = "macro", skip_serializing_if = "Option::is_none")]
    pub from_macro: Option<Box<MacroOrigin>>,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Context {
    pub kind: ContextKind,
    /// The `unsafe {}` block (for `unsafe_block` and `generated_block`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<Span>,
    /// The op is (also) inside the body of an `unsafe fn`.
    #[serde(default)]
    pub in_unsafe_fn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CalleeRef {
    /// Function id (`None` for calls through fn pointers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub path: String,
    /// Declared in an `extern` block.
    #[serde(default)]
    pub foreign: bool,
}

/// The outermost macro expansion an op or call came from, and where the user invoked it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MacroOrigin {
    /// `vec`, `format_args`, `derive(Clone)`, …
    pub name: String,
    /// Crate that defines the macro, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub krate: Option<String>,
    /// The macro invocation in the user's code.
    pub call_site: Span,
}

/// An `unsafe {}` block (user-written) or a compiler-generated unsafe block.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnsafeBlock {
    pub function: Sym,
    pub span: Span,
    pub generated: bool,
    /// Unsafe ops whose context is this block.
    pub ops: u32,
    #[serde(default, rename = "macro", skip_serializing_if = "Option::is_none")]
    pub from_macro: Option<Box<MacroOrigin>>,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

/// A call edge `caller -> callee` at one call site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Call {
    pub caller: Sym,
    /// The callee's function id, in the callee crate's id space. Absent when the target is not
    /// known statically (`fn_ptr`, `drop` of a `dyn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee: Option<Sym>,
    /// The callee's path (for unresolved or external targets, and for people reading the file).
    pub callee_path: Sym,
    /// rustc crate name of the callee (to join across crates).
    pub callee_crate: Sym,
    pub kind: CallKind,
    pub span: Span,
    /// For `trait_resolved`, `trait_generic` and `dyn`: the trait method that was called.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trait_method: Option<Sym>,
    /// Generic arguments / receiver type / fn-pointer signature, as rustc prints them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<Sym>,
    /// The callee's generic arguments (every parameter, parents' first, lifetimes as `'_`),
    /// with the caller's own generic parameters as numbered placeholders (`alloc::vec::Vec<#0>`)
    /// and closures, coroutines and fn items named by their function id
    /// (`{closure:<id>}<parent args>`): what the linker substitutes an instantiation of the
    /// caller into (docs/linker.md#instantiations). Empty for calls of non-generic callees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<Sym>,
    #[serde(default, rename = "macro", skip_serializing_if = "Option::is_none")]
    pub from_macro: Option<Box<MacroOrigin>>,
    /// Set by the linker: key of the crate the callee lives in, when linked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_crate: Option<Sym>,
    /// Set by the linker: the callee's crate is not part of the linked graph.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
    /// Set by the linker for `dyn`, `fn_ptr` and `trait_generic` calls: the index, in the
    /// linked graph's `candidate_sets`, of this call's possible targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidates: Option<u32>,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

/// The FFI boundary of a crate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ffi {
    pub imports: Vec<FfiImport>,
    pub exports: Vec<FfiExport>,
    /// Rust functions turned into `extern "C"` fn pointers (candidates to be called from C).
    #[serde(default)]
    pub callbacks: Vec<FfiCallback>,
    /// Native libraries linked by this crate: `#[link]` attributes and build-script `-l`.
    #[serde(default)]
    pub native_libraries: Vec<NativeLibrary>,
}

/// A use of a foreign item: a call of a foreign fn, or a use of an extern static.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FfiImport {
    /// The Rust function that calls/uses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// The foreign item's id and path.
    pub item: String,
    pub item_path: String,
    /// Link symbol (honours `#[link_name]`).
    pub symbol: String,
    pub abi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// `link_attr` (a `#[link]` on the extern block) or `build_script` (a `-l`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_source: Option<String>,
    /// How the library is linked: `static`, `dylib`, `framework`, `raw-dylib`, `unspecified`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_kind: Option<String>,
    /// `static` for extern statics, `fn` for functions.
    pub item_kind: String,
    pub span: Span,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FfiExport {
    pub function: String,
    pub symbol: String,
    pub abi: String,
    pub span: Span,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FfiCallback {
    /// The function that takes the pointer.
    pub function: String,
    /// The Rust function handed out.
    pub callback: String,
    pub callback_path: String,
    pub abi: String,
    pub span: Span,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NativeLibrary {
    pub name: String,
    /// `static`, `dylib`, `framework`, `raw-dylib`, `link-arg`, `unspecified`.
    pub kind: String,
    /// `link_attr` or `build_script` (from a `-l` flag, i.e. `cargo::rustc-link-lib`).
    pub source: String,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

/// An unsafe declaration.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Declaration {
    pub kind: DeclarationKind,
    /// Path of the item (function, trait, impl, extern block's first item…).
    pub path: String,
    pub span: Span,
    /// Function id for declarations that are functions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Kind-specific detail: the trait of an unsafe impl, the attribute text, the ABI, the
    /// enabled target features, the lint level (`forbid(unsafe_code)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default)]
    pub public: bool,
    /// When the declaration was written by a macro or derive (as for unsafe blocks): an
    /// `unsafe impl` from another crate's derive is not the crate's own unsafe code.
    #[serde(default, rename = "macro", skip_serializing_if = "Option::is_none")]
    pub from_macro: Option<Box<MacroOrigin>>,
    /// Configurations where this holds; empty means all of its crate's (see [`Function::configs`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub configs: Vec<String>,
}

/// Per-crate totals (derivable from the lists; stored so summaries need not re-count).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub functions: u64,
    pub unsafe_ops: u64,
    pub unsafe_ops_by_kind: BTreeMap<String, u64>,
    pub unsafe_ops_by_context: BTreeMap<String, u64>,
    pub unsafe_blocks_user: u64,
    pub unsafe_blocks_generated: u64,
    pub unsafe_fns: u64,
    pub unsafe_traits: u64,
    pub unsafe_impls: u64,
    pub calls: u64,
    pub calls_by_kind: BTreeMap<String, u64>,
    pub ffi_calls: u64,
    pub ffi_exports: u64,
}

impl CrateGraph {
    /// Recompute [`Counts`] from the record lists.
    pub fn recount(&mut self) {
        let mut c = Counts {
            // Drop-glue nodes are synthetic: not counted as the crate's functions.
            functions: self
                .functions
                .iter()
                .filter(|f| f.kind != FunctionKind::DropGlue)
                .count() as u64,
            unsafe_ops: self.unsafe_ops.len() as u64,
            calls: self.calls.len() as u64,
            ffi_exports: self.ffi.exports.len() as u64,
            ..Counts::default()
        };
        for op in &self.unsafe_ops {
            *c.unsafe_ops_by_kind.entry(op.kind.to_string()).or_default() += 1;
            *c.unsafe_ops_by_context
                .entry(op.context.kind.to_string())
                .or_default() += 1;
        }
        for b in &self.unsafe_blocks {
            if b.generated {
                c.unsafe_blocks_generated += 1
            } else {
                c.unsafe_blocks_user += 1
            }
        }
        for call in &self.calls {
            *c.calls_by_kind.entry(call.kind.to_string()).or_default() += 1;
        }
        c.ffi_calls = self
            .ffi
            .imports
            .iter()
            .filter(|i| i.item_kind == "fn")
            .count() as u64;
        for d in &self.declarations {
            match d.kind {
                DeclarationKind::UnsafeFn => c.unsafe_fns += 1,
                DeclarationKind::UnsafeTrait => c.unsafe_traits += 1,
                DeclarationKind::UnsafeImpl => c.unsafe_impls += 1,
                _ => {}
            }
        }
        self.counts = c;
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    fn span(file: &str) -> Span {
        Span {
            file: file.into(),
            line: 1,
            col: 1,
            end_line: 1,
            end_col: 2,
        }
    }

    /// Consumers (SARIF's "show a std macro's op at the call site") ask this, not `is_absolute`:
    /// files outside the package are written under named roots, which are relative paths.
    #[test]
    fn outside_package_covers_named_roots_and_absolute_paths() {
        assert!(span("$RUST_SRC/library/core/src/panic.rs").outside_package());
        assert!(
            span("$CARGO_REGISTRY/index.crates.io-1949cf8c6b5b557f/x-1.0.0/src/lib.rs")
                .outside_package()
        );
        assert!(span("/elsewhere/shared.rs").outside_package());
        assert!(!span("src/lib.rs").outside_package());
    }
}
