//! Drop-glue collector: a drop in MIR runs `core::ptr::drop_in_place::<T>`, whose glue calls
//! `T`'s `Drop` impl and then drops its fields. We model exactly that: one `drop` edge from the
//! dropping body to a glue node per type (`kind: "drop_glue"`), and the glue node's own edges —
//! to the `Drop::drop` impl and to the glue of each field type — recorded once per crate. This
//! keeps a drop site to one edge while reachability still goes through every `Drop` impl.

use std::cell::RefCell;

use painter_schema::{self as schema, CallKind, FunctionKind};
use rustc_data_structures::fx::FxHashMap;
use rustc_hir::def_id::{DefId, LOCAL_CRATE};
use rustc_middle::ty::{self, Ty, TyCtxt, TypeVisitableExt};
use rustc_span::Span;

use super::common::{Cx, cached, reveal_opaques};
use crate::state;

/// Where a drop of some type goes.
#[derive(Clone)]
pub enum Target {
    /// The glue node of a type whose glue is known.
    Glue { id: String, path: String },
    /// A drop we cannot resolve: a type parameter, an opaque type, a `dyn` (virtual drop).
    Unknown(String),
}

/// Drop targets resolved so far in one body, and glue nodes created on the way.
pub struct Drops<'tcx> {
    typing_env: ty::TypingEnv<'tcx>,
    cache: FxHashMap<Ty<'tcx>, Option<Target>>,
    pub glue_functions: Vec<schema::Function>,
    pub glue_calls: Vec<(schema::Call, Span)>,
}

impl<'tcx> Drops<'tcx> {
    pub fn new(typing_env: ty::TypingEnv<'tcx>) -> Self {
        Drops {
            typing_env,
            cache: FxHashMap::default(),
            glue_functions: Vec::new(),
            glue_calls: Vec::new(),
        }
    }

    /// The target of dropping a `ty`, or `None` when the drop does nothing.
    pub fn target(&mut self, cx: &Cx<'tcx>, ty: Ty<'tcx>, site: Span) -> Option<Target> {
        // A type without parameters drops the same way in every body: revealing, normalising
        // and naming it once per crate is enough (in syn, a few hundred types dropped at tens
        // of thousands of sites). Types are interned for the whole compilation, so the address
        // of a type's kind identifies it.
        thread_local! {
            static MONOMORPHIC: RefCell<FxHashMap<usize, Option<Target>>> = RefCell::default();
        }
        if ty.has_param() {
            return self.resolve(cx, ty, site);
        }
        let key = std::ptr::from_ref(ty.kind()) as usize;
        cached(&MONOMORPHIC, key, || self.resolve(cx, ty, site))
    }

    fn resolve(&mut self, cx: &Cx<'tcx>, ty: Ty<'tcx>, site: Span) -> Option<Target> {
        let tcx = cx.tcx;
        let revealed = reveal_opaques(tcx, ty);
        let normalized = tcx
            .try_normalize_erasing_regions(self.typing_env, ty::Unnormalized::new_wip(revealed))
            .unwrap_or(revealed);
        if let Some(target) = self.cache.get(&normalized) {
            return target.clone();
        }
        let target = self.compute(cx, normalized, site);
        self.cache.insert(normalized, target.clone());
        target
    }

    fn compute(&mut self, cx: &Cx<'tcx>, ty: Ty<'tcx>, site: Span) -> Option<Target> {
        let tcx = cx.tcx;
        if !ty.needs_drop(tcx, self.typing_env) {
            return None;
        }
        match ty.kind() {
            ty::Dynamic(..) => {
                return Some(Target::Unknown(format!("virtual drop of {}", cx.print(ty))));
            }
            // A coroutine dropped where built MIR drops it (its own body's end) holds only its
            // captures: no glue node when none of them needs dropping.
            ty::Coroutine(_, args) => {
                let captures = args.as_coroutine().upvar_tys();
                if !captures.iter().any(|t| t.needs_drop(tcx, self.typing_env)) {
                    return None;
                }
            }
            ty::Adt(..) | ty::Tuple(..) | ty::Array(..) | ty::Slice(..) | ty::Closure(..) => {}
            _ => {
                return Some(Target::Unknown(format!(
                    "drop of {} (not resolved)",
                    cx.print(ty)
                )));
            }
        }
        let path = format!("core::ptr::drop_in_place::<{}>", cx.print(ty));
        let id = glue_id(tcx, &path);
        let target = Target::Glue {
            id: id.clone(),
            path: path.clone(),
        };
        // Register before recursing: recursive types (`struct List(Option<Box<List>>)`) end here.
        let new = state::register_glue(&id);
        self.cache.insert(ty, Some(target.clone()));
        if new {
            self.glue_node(cx, ty, &id, &path, site);
        }
        Some(target)
    }

    /// The glue node of `ty` and its edges: the `Drop` impl, then each component's glue.
    fn glue_node(&mut self, cx: &Cx<'tcx>, ty: Ty<'tcx>, id: &str, path: &str, site: Span) {
        let tcx = cx.tcx;
        let def_span = match ty.kind() {
            ty::Adt(adt, _) => tcx.def_span(adt.did()),
            _ => site,
        };
        self.glue_functions.push(schema::Function {
            configs: Vec::new(),
            id: id.into(),
            path: path.into(),
            kind: FunctionKind::DropGlue,
            is_unsafe: false,
            public: false,
            span: cx.span(def_span),
            parent: None,
            unsafe_ops: 0,
            unsafe_blocks: 0,
            implements: None,
            impl_self_ty: None,
            impl_trait: None,
            impl_args: Vec::new(),
            impl_generics: 0,
        });
        let mut components: Vec<(Ty<'tcx>, Option<&'static str>)> = Vec::new();
        match *ty.kind() {
            ty::Adt(adt, args) if !adt.is_manually_drop() => {
                if let Some(dtor) = adt.destructor(tcx) {
                    self.edge(cx, id, Some((dtor.did, None)), None, tcx.def_span(dtor.did));
                    // The impl drops its type arguments through code typed by them (`Vec<T>`
                    // drops its `T`s): followed, and marked, as an over-approximation.
                    let through = Some("through the Drop impl (type argument)");
                    components.extend(args.types().map(|t| (t, through)));
                }
                components.extend(
                    adt.all_fields()
                        .map(|f| (f.ty(tcx, args).skip_normalization(), None)),
                );
            }
            ty::Tuple(tys) => components.extend(tys.iter().map(|t| (t, None))),
            ty::Array(elem, _) | ty::Slice(elem) => components.push((elem, None)),
            ty::Closure(_, args) => {
                components.extend(args.as_closure().upvar_tys().iter().map(|t| (t, None)))
            }
            ty::Coroutine(_, args) => {
                components.extend(args.as_coroutine().upvar_tys().iter().map(|t| (t, None)))
            }
            _ => {}
        }
        for (component, note) in components {
            match self.target(cx, component, site) {
                Some(Target::Glue {
                    id: child,
                    path: child_path,
                }) => self.edge(cx, id, None, Some((child, child_path, note)), def_span),
                Some(Target::Unknown(detail)) => self.unknown_edge(cx, id, detail, def_span),
                None => {}
            }
        }
    }

    fn edge(
        &mut self,
        cx: &Cx<'tcx>,
        caller: &str,
        callee_fn: Option<(DefId, Option<&str>)>,
        callee_glue: Option<(String, String, Option<&str>)>,
        span: Span,
    ) {
        let local = cx.tcx.crate_name(LOCAL_CRATE).to_string();
        let (callee, callee_path, callee_crate, detail) = match (callee_fn, callee_glue) {
            (Some((def, note)), _) => (
                cx.id(def),
                cx.path(def),
                cx.tcx.crate_name(def.krate).to_string(),
                note.map(str::to_string),
            ),
            (None, Some((id, path, note))) => (id, path, local, note.map(str::to_string)),
            (None, None) => return,
        };
        self.glue_calls.push((
            schema::Call {
                configs: Vec::new(),
                caller: caller.into(),
                callee: Some(callee.into()),
                callee_path: callee_path.into(),
                callee_crate: callee_crate.into(),
                kind: CallKind::Drop,
                span: cx.span(span),
                trait_method: None,
                detail: detail.map(Into::into),
                from_macro: None,
                target_crate: None,
                external: false,
                candidates: None,
                args: Vec::new(),
            },
            span,
        ));
    }

    fn unknown_edge(&mut self, cx: &Cx<'tcx>, caller: &str, detail: String, span: Span) {
        self.glue_calls.push((
            schema::Call {
                configs: Vec::new(),
                caller: caller.into(),
                callee: None,
                callee_path: "".into(),
                callee_crate: "".into(),
                kind: CallKind::Drop,
                span: cx.span(span),
                trait_method: None,
                detail: Some(detail.into()),
                from_macro: None,
                target_crate: None,
                external: false,
                candidates: None,
                args: Vec::new(),
            },
            span,
        ));
    }
}

/// A glue node's id: in this crate's id space, the hash of its (crate-qualified) path, so it is
/// stable across compilations like the `DefPathHash` ids.
fn glue_id(tcx: TyCtxt<'_>, path: &str) -> String {
    // FNV-1a 64: stable across Rust versions, unlike std's hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in path.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!(
        "{:016x}:{hash:016x}",
        tcx.stable_crate_id(LOCAL_CRATE).as_u64()
    )
}
