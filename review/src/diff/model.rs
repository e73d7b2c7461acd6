//! The diff's data model: what [`crate::diff::diff`] returns, `--format json` prints and the
//! HTML diff page reads. Field meanings are in docs/review.md.

use painter_schema::{CallKind, ContextKind, DeclarationKind, Span, UnsafeOpKind};
use serde::{Deserialize, Serialize};

/// Everything that changed between two graphs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    pub old: Side,
    pub new: Side,
    pub summary: Summary,
    /// One entry per crate that changed (added, removed, or with changed facts), by identity.
    pub crates: Vec<CrateDiff>,
    pub reach: ReachDiff,
}

/// One side of the diff.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Side {
    /// What the user named (`graph/`, `rev:main`, `Cargo.lock`, `smallvec@1.6.0`).
    pub label: String,
    pub crates: u64,
    pub unsafe_ops: u64,
    /// The primary crates (workspace members; the crate itself for `--crate`).
    pub primary: Vec<String>,
}

/// The totals printed first and used by `--deny`. Only the crates' own code counts in
/// `*_own` (docs/figures.md: not compiler-generated, not another crate's macro).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub ops_added: u64,
    pub ops_added_own: u64,
    pub ops_removed: u64,
    pub ops_moved: u64,
    pub ops_unchanged: u64,
    pub declarations_added: u64,
    pub unsafe_impls_added_own: u64,
    pub declarations_removed: u64,
    pub ffi_added: u64,
    pub ffi_removed: u64,
    pub crates_added: u64,
    pub crates_added_using_unsafe: u64,
    pub crates_removed: u64,
    pub crates_updated: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrateStatus {
    Added,
    Removed,
    /// Matched with another version of the same package.
    Updated,
    /// The same key on both sides.
    Same,
}

/// The changes of one crate. An added (removed) crate is diffed against nothing: its
/// declarations and FFI are all added (removed); its unsafe operations are counted, not listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrateDiff {
    /// `package` plus the target (`#bin:name`, `#build-script`), without the version.
    pub identity: String,
    pub old_key: Option<String>,
    pub new_key: Option<String>,
    pub status: CrateStatus,
    pub primary: bool,
    pub uses_unsafe_old: bool,
    pub uses_unsafe_new: bool,
    pub unsafe_ops_old: u64,
    pub unsafe_ops_new: u64,
    /// Of those, the crate's own (the figures' `is_own_op`).
    pub own_ops_old: u64,
    pub own_ops_new: u64,
    /// Package roots, to resolve spans (absolute, or `$CARGO_REGISTRY/…`).
    pub old_dir: Option<String>,
    pub new_dir: Option<String>,
    pub ops: OpChanges,
    pub declarations: Changes<DeclItem>,
    pub ffi: FfiChanges,
}

/// Added and removed items of one kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes<T> {
    pub added: Vec<T>,
    pub removed: Vec<T>,
}

impl<T> Default for Changes<T> {
    fn default() -> Self {
        Changes {
            added: Vec::new(),
            removed: Vec::new(),
        }
    }
}

impl<T> Changes<T> {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpChanges {
    pub added: Vec<OpItem>,
    pub removed: Vec<OpItem>,
    /// Ops that left one function for another (same kind and callee).
    pub moved: Vec<MovedOp>,
    /// Ops matched on both sides (whatever their lines).
    pub unchanged: u64,
}

/// One unsafe operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpItem {
    /// The path of the body it is in.
    pub function: String,
    pub kind: UnsafeOpKind,
    /// The unsafe fn called or the static used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee: Option<String>,
    /// 1-based: the how-manieth op of this kind and callee in the function, in source order.
    pub ordinal: u32,
    pub context: ContextKind,
    pub in_unsafe_fn: bool,
    pub span: Span,
    /// The macro it came from (`name` of the outermost one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_macro: Option<String>,
    /// Code of the crate itself (not a generated block, not another crate's macro).
    pub own: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovedOp {
    pub old: OpItem,
    pub new: OpItem,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclItem {
    pub kind: DeclarationKind,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub span: Span,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_macro: Option<String>,
    pub own: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FfiChanges {
    /// `name (kind)` of native libraries linked.
    pub libraries: Changes<String>,
    /// Foreign symbols used (called, or extern statics read).
    pub imports: Changes<ImportItem>,
    /// Symbols exported (`no_mangle`, `export_name`).
    pub exports: Changes<SymbolItem>,
    /// Rust functions handed to foreign code as fn pointers.
    pub callbacks: Changes<SymbolItem>,
}

impl FfiChanges {
    pub fn added(&self) -> usize {
        self.libraries.added.len()
            + self.imports.added.len()
            + self.exports.added.len()
            + self.callbacks.added.len()
    }
    pub fn removed(&self) -> usize {
        self.libraries.removed.len()
            + self.imports.removed.len()
            + self.exports.removed.len()
            + self.callbacks.removed.len()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportItem {
    pub symbol: String,
    pub item_path: String,
    /// `fn` or `static`.
    pub item_kind: String,
    pub abi: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library: Option<String>,
    /// Uses in the crate, and the first one (its function and span).
    pub uses: u64,
    pub function: Option<String>,
    pub span: Span,
}

/// An export (`name` = its symbol) or a callback (`name` = the Rust function's path).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SymbolItem {
    pub name: String,
    pub abi: String,
    pub function: Option<String>,
    pub span: Span,
}

/// What the workspace newly reaches, through exact calls (docs/review.md, "Reachability").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReachDiff {
    /// Public functions of primary crates that reach unsafe code now and did not (or are new).
    pub public_reaching_unsafe: Vec<ReachItem>,
    /// The same for FFI (a foreign function).
    pub public_reaching_ffi: Vec<ReachItem>,
    /// Functions with unsafe operations that the workspace's functions reach now and did not.
    pub unsafe_newly_reached: Vec<ReachItem>,
    /// Foreign functions the workspace reaches now and did not.
    pub ffi_newly_reached: Vec<ReachItem>,
    /// How many of each there are; the lists stop at [`crate::diff::MAX_REACH_ITEMS`].
    pub totals: ReachTotals,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReachTotals {
    pub public_reaching_unsafe: u64,
    pub public_reaching_ffi: u64,
    pub unsafe_newly_reached: u64,
    pub ffi_newly_reached: u64,
}

/// A function, and a shortest call path that explains the change (in the new graph).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReachItem {
    pub function: String,
    pub crate_key: String,
    /// The function did not exist in the old graph.
    pub new_function: bool,
    pub path: Vec<Hop>,
}

/// One call of a path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    pub caller: String,
    pub callee: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callee_crate: Option<String>,
    pub kind: CallKind,
    pub span: Span,
    /// The caller's crate key (the span is relative to its package root).
    pub crate_key: String,
}
