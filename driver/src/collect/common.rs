//! Shared conversions of the collectors: rustc `DefId`s to stable ids and paths, `Span`s to
//! schema spans (as rustc's JSON diagnostics count them) and macro provenance.

use std::cell::RefCell;
use std::hash::Hash;
use std::path::PathBuf;
use std::thread::LocalKey;

use painter_schema::{self as schema, Sym};
use rustc_data_structures::fx::FxHashMap;
use rustc_hir::def_id::{CrateNum, DefId};
use rustc_middle::ty::print::{
    with_no_trimmed_paths, with_no_visible_paths, with_resolve_crate_name,
};
use rustc_middle::ty::{
    self, Ty, TyCtxt, TypeFoldable, TypeFolder, TypeSuperFoldable, TypeVisitableExt,
};
use rustc_span::hygiene::{ExpnKind, MacroKind, SyntaxContext};
use rustc_span::{
    BytePos, FileName, Pos, RelativeBytePos, RemapPathScopeComponents, SourceFile, Span,
};

use super::paths::{self, Roots, slash_path};

/// Per-crate facts every collector needs, computed once.
pub struct Cx<'tcx> {
    pub tcx: TyCtxt<'tcx>,
    /// Package root and the named roots files outside it are written under.
    pub roots: &'static Roots,
    /// rustc's working directory: relative file names are relative to it.
    pub working_dir: PathBuf,
}

impl<'tcx> Cx<'tcx> {
    pub fn new(tcx: TyCtxt<'tcx>) -> Self {
        let working_dir = tcx
            .sess
            .opts
            .working_dir
            .path(RemapPathScopeComponents::DIAGNOSTICS)
            .to_path_buf();
        Cx {
            tcx,
            roots: paths::roots(tcx.sess),
            working_dir,
        }
    }

    /// `<stable crate id>:<local hash>` of the item's `DefPathHash`: unique and stable across
    /// compilations of the same crate, and prefixed by the crate's id so edges can be joined.
    pub fn id(&self, def_id: DefId) -> String {
        self.with_names(def_id, |(id, _)| id.to_string())
    }

    /// [`Cx::id`] as the interned string the call records hold: no copy, no interning.
    pub fn id_sym(&self, def_id: DefId) -> Sym {
        self.with_names(def_id, |(id, _)| id.clone())
    }

    /// rustc's `def_path_str`, crate-qualified and untrimmed (docs/design.md#contracts).
    pub fn path(&self, def_id: DefId) -> String {
        self.with_names(def_id, |(_, path)| path.to_string())
    }

    /// [`Cx::path`] as an interned string, like [`Cx::id_sym`].
    pub fn path_sym(&self, def_id: DefId) -> Sym {
        self.with_names(def_id, |(_, path)| path.clone())
    }

    /// rustc's name of a crate, interned once per crate.
    pub fn crate_sym(&self, krate: CrateNum) -> Sym {
        thread_local! {
            static CRATES: RefCell<FxHashMap<CrateNum, Sym>> = RefCell::default();
        }
        cached(&CRATES, krate, || {
            Sym::from(self.tcx.crate_name(krate).as_str())
        })
    }

    /// A type, signature or instance as rustc prints it, with our paths
    /// (`alloc::string::String`, not `String` nor `std::string::String`).
    pub fn print(&self, value: impl std::fmt::Display) -> String {
        defining_paths(|| value.to_string())
    }

    /// [`Cx::print`] of a type, cached per type: a crate prints the same few types thousands
    /// of times (serde_core: 3,521 call details, 105 distinct; every primitive generic
    /// argument). Types are interned for the whole compilation, so the address of a type's
    /// kind identifies it.
    pub fn print_ty(&self, ty: Ty<'tcx>) -> String {
        thread_local! {
            static TYPES: RefCell<FxHashMap<usize, String>> = RefCell::default();
        }
        let key = std::ptr::from_ref(ty.kind()) as usize;
        cached(&TYPES, key, || self.print(ty))
    }

    /// [`Cx::print`] of a trait reference, cached like [`Cx::print_ty`] (its arguments are an
    /// interned list).
    pub fn print_trait_ref(&self, trait_ref: ty::TraitRef<'tcx>) -> String {
        thread_local! {
            static TRAIT_REFS: RefCell<FxHashMap<(DefId, usize), String>> = RefCell::default();
        }
        let key = (trait_ref.def_id, trait_ref.args.as_ptr() as usize);
        cached(&TRAIT_REFS, key, || self.print(trait_ref))
    }

    /// Id and path, cached: the same callees come up thousands of times in a crate and path
    /// printing is the most expensive thing we do per call site. `f` picks what to copy out.
    fn with_names<R>(&self, def_id: DefId, f: impl Fn(&(Sym, Sym)) -> R) -> R {
        thread_local! {
            static NAMES: RefCell<FxHashMap<DefId, (Sym, Sym)>> = RefCell::default();
        }
        if let Some(r) = NAMES.with(|n| n.borrow().get(&def_id).map(&f)) {
            return r;
        }
        f(&cached(&NAMES, def_id, || {
            (
                Sym::from(def_id_string(self.tcx, def_id)),
                Sym::from(defining_paths(|| self.tcx.def_path_str(def_id))),
            )
        }))
    }

    /// Line and 1-based character column of `span` exactly as rustc's JSON diagnostics give
    /// them. A span inside a macro of another crate stays there (JSON does not move it to the
    /// use site as the human-readable output does); `macro_origin` gives the use site.
    pub fn span(&self, span: Span) -> schema::Span {
        let sm = self.tcx.sess.source_map();
        let span = span.data();
        let file = sm.lookup_source_file(span.lo);
        let (line, col) = line_col(&file, span.lo);
        // Source files sit one byte apart in the source map (`allocate_address_space`), so an
        // end up to the file's end is in the file; past it, a span has crossed files.
        let (end_line, end_col) = if span.hi <= file.end_position() {
            line_col(&file, span.hi)
        } else {
            line_col(&sm.lookup_source_file(span.hi), span.hi)
        };
        schema::Span {
            file: self.cached_file_name(&file),
            line: line as u32,
            col: col as u32 + 1,
            end_line: end_line as u32,
            end_col: end_col as u32 + 1,
        }
    }

    /// `file_name` once per source file: making the path relative or portable costs more than
    /// the rest of a span, and a crate's spans come from a few dozen files. Source files live as long
    /// as the session, so their address identifies them.
    fn cached_file_name(&self, file: &SourceFile) -> Sym {
        thread_local! {
            static FILES: RefCell<FxHashMap<usize, Sym>> = RefCell::default();
        }
        let key = std::ptr::from_ref(file) as usize;
        cached(&FILES, key, || Sym::from(self.file_name(&file.name)))
    }

    fn file_name(&self, name: &FileName) -> String {
        match name {
            FileName::Real(real) => {
                let path = real.path(RemapPathScopeComponents::DIAGNOSTICS);
                let abs: PathBuf = if path.is_absolute() {
                    path.to_path_buf()
                } else {
                    self.working_dir.join(path)
                };
                // Elsewhere (a `#[path]` outside the package, a remapped path) rustc's own name.
                self.roots.file(&abs).unwrap_or_else(|| slash_path(path))
            }
            other => format!("{}", other.prefer_local_unconditionally()),
        }
    }

    /// The outermost macro expansion `span` comes from, and the invocation in user code.
    /// Desugarings (`?`, `for`, `async`) are not macros and are looked through.
    pub fn macro_origin(&self, span: Span) -> Option<Box<schema::MacroOrigin>> {
        if !span.from_expansion() {
            return None;
        }
        // The walk below reads only the span's syntax context, and a crate's calls come from a
        // few hundred of them (serde_core: 5,512 calls in macros, 167 distinct origins).
        thread_local! {
            static ORIGINS: RefCell<FxHashMap<SyntaxContext, Option<Box<schema::MacroOrigin>>>> =
                RefCell::default();
        }
        cached(&ORIGINS, span.ctxt(), || self.walk_expansions(span))
    }

    /// The walk [`Cx::macro_origin`] caches.
    fn walk_expansions(&self, span: Span) -> Option<Box<schema::MacroOrigin>> {
        let mut origin = None;
        let mut current = span;
        while current.from_expansion() {
            let data = current.ctxt().outer_expn_data();
            if let ExpnKind::Macro(kind, name) = data.kind {
                let name = match kind {
                    MacroKind::Bang => format!("{name}!"),
                    MacroKind::Attr => format!("#[{name}]"),
                    MacroKind::Derive => format!("derive({name})"),
                };
                let krate = data
                    .macro_def_id
                    .map(|d| self.tcx.crate_name(d.krate).to_string());
                origin = Some((name, krate, data.call_site));
            }
            current = data.call_site;
        }
        origin.map(|(name, krate, call_site)| {
            Box::new(schema::MacroOrigin {
                name,
                krate,
                call_site: self.span(call_site.source_callsite()),
            })
        })
    }
}

/// The value of `key` in one of the per-crate caches above (thread-locals: the compiler
/// runs a crate's analysis on one thread, and a cache keyed by an interned value's address
/// is only valid in its compilation), computed on a miss. `compute` runs outside the borrow:
/// printing runs rustc queries, which may call back into the same cache.
pub(super) fn cached<K: Hash + Eq, V: Clone>(
    cache: &'static LocalKey<RefCell<FxHashMap<K, V>>>,
    key: K,
    compute: impl FnOnce() -> V,
) -> V {
    if let Some(value) = cache.with(|c| c.borrow().get(&key).cloned()) {
        return value;
    }
    let value = compute();
    cache.with(|c| c.borrow_mut().insert(key, value.clone()));
    value
}

/// 1-based line and 0-based character column of `pos` in `file`: what `SourceMap::lookup_char_pos`
/// gives (rustc's JSON diagnostics use it), without the display width it also computes from the
/// line's text and with a binary search over the file's multi-byte characters where rustc scans
/// them all from the start of the file, twice (`SourceFile::bytepos_to_file_charpos`).
fn line_col(file: &SourceFile, pos: BytePos) -> (usize, usize) {
    let pos = file.relative_position(pos);
    // Bytes beyond one per character in `[from, to)`.
    let extra = |from: RelativeBytePos, to: RelativeBytePos| -> usize {
        let chars = &file.multibyte_chars;
        let first = chars.partition_point(|c| c.pos < from);
        let end = chars.partition_point(|c| c.pos < to);
        chars[first..end.max(first)]
            .iter()
            .map(|c| usize::from(c.bytes) - 1)
            .sum()
    };
    match file.lookup_line(pos) {
        Some(index) => {
            let start = file.lines()[index];
            (index + 1, (pos - start).to_usize() - extra(start, pos))
        }
        None => (0, pos.to_usize() - extra(RelativeBytePos(0), pos)),
    }
}

/// Run rustc's printer with our path contract (docs/schema.md, "Item paths"): every item by
/// the path of its definition, crate-qualified and untrimmed, the same in every crate that
/// names it. rustc's default for an item of another crate is the path its users see, through
/// re-exports (`std::vec::Vec`, or `regex::alloc::vec::Vec` where `regex` declares `extern
/// crate alloc`): it differs from crate to crate, so the linker's type matching could not
/// compare an impl's self type with a type printed elsewhere, and it costs the
/// `visible_parent_map` query, a walk over every module of every dependency in each
/// compilation (`try_print_visible_def_path`, rustc_middle/src/ty/print/pretty.rs).
pub fn defining_paths(print: impl FnOnce() -> String) -> String {
    with_resolve_crate_name!(with_no_trimmed_paths!(with_no_visible_paths!(print())))
}

pub fn def_id_string(tcx: TyCtxt<'_>, def_id: DefId) -> String {
    let hash = tcx.def_path_hash(def_id);
    format!(
        "{:016x}:{:016x}",
        hash.stable_crate_id().as_u64(),
        hash.local_hash().as_u64()
    )
}

/// Replace opaque types (`impl Trait` returned by a function of any crate) by their hidden
/// types. Built MIR keeps them opaque, and in this nightly they are rigid aliases that
/// normalisation leaves alone; the concrete type is what resolves a call (`add(3)` on an
/// `impl Fn` returned by `adder` is a call of `adder`'s closure).
pub fn reveal_opaques<'tcx, T: TypeFoldable<TyCtxt<'tcx>>>(tcx: TyCtxt<'tcx>, value: T) -> T {
    struct Reveal<'tcx> {
        tcx: TyCtxt<'tcx>,
        depth: u32,
    }
    impl<'tcx> TypeFolder<TyCtxt<'tcx>> for Reveal<'tcx> {
        fn cx(&self) -> TyCtxt<'tcx> {
            self.tcx
        }
        fn fold_ty(&mut self, ty: Ty<'tcx>) -> Ty<'tcx> {
            if let ty::Alias(
                _,
                ty::AliasTy {
                    kind: ty::Opaque { def_id },
                    args,
                    ..
                },
            ) = *ty.kind()
                && self.depth < 8
            {
                let hidden = self
                    .tcx
                    .try_expand_impl_trait_type(def_id, args)
                    .unwrap_or_else(|t| t);
                self.depth += 1;
                let revealed = hidden.fold_with(self);
                self.depth -= 1;
                return revealed;
            }
            ty.super_fold_with(self)
        }
    }
    if !value.has_opaque_types() {
        return value;
    }
    value.fold_with(&mut Reveal { tcx, depth: 0 })
}
