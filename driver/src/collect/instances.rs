//! Generic arguments in the substitutable form the linker instantiates (docs/linker.md,
//! "Instantiations"): the caller's generic parameters as numbered placeholders (`#0`),
//! closures, coroutines and fn items named by their function id with their parents' arguments
//! (`{closure:<id>}<#0>`), lifetimes as `'_`, and every other type constructor spelt so the
//! linker can parse, match and substitute it (`alloc::vec::Vec<#0>`, `&mut #1`, `(u32, #0)`).
//! Types the linker does not look into (`dyn`, fn pointers, unnormalised projections) are
//! atoms, `{ty:<rustc's printing>}`, whose placeholders are still substituted as text.

use std::cell::RefCell;

use rustc_data_structures::fx::FxHashMap;
use rustc_middle::ty::{
    self, GenericArgKind, GenericArgsRef, Ty, TyCtxt, TypeFoldable, TypeFolder, TypeVisitableExt,
};
use rustc_span::Symbol;

use super::common::{Cx, cached, reveal_opaques};

/// The printed arguments of a call's callee (or an impl's trait reference); empty when there
/// are none.
pub fn args<'tcx>(
    cx: &Cx<'tcx>,
    typing_env: ty::TypingEnv<'tcx>,
    args: GenericArgsRef<'tcx>,
) -> Vec<String> {
    let print = |arg: ty::GenericArg<'tcx>| {
        let mut out = String::new();
        Printer {
            cx,
            typing_env,
            depth: 0,
        }
        .arg(arg, &mut out);
        out
    };
    // The body's environment only matters for a projection that names its parameters: any
    // other type prints the same in every body, and a crate passes the same few thousands of
    // times. Types are interned for the whole compilation (see `Cx::print_ty`).
    thread_local! {
        static PRINTED: RefCell<FxHashMap<usize, String>> = RefCell::default();
    }
    args.iter()
        .map(|arg| match arg.kind() {
            GenericArgKind::Type(t) if !(t.has_param() && t.has_aliases()) => {
                cached(&PRINTED, std::ptr::from_ref(t.kind()) as usize, || {
                    print(arg)
                })
            }
            _ => print(arg),
        })
        .collect()
}

/// A fn pointer's signature with the body's parameters as placeholders, as an atom
/// (`{ty:fn(&#0) -> u32}`): the linker substitutes an instantiation into it and matches the
/// result against the address-taken functions' signatures.
pub fn signature<'tcx>(cx: &Cx<'tcx>, fn_ptr: Ty<'tcx>) -> String {
    let renamed = fn_ptr.fold_with(&mut Placeholders { tcx: cx.tcx });
    let sig = cx
        .tcx
        .instantiate_bound_regions_with_erased(renamed.fn_sig(cx.tcx));
    format!("{{ty:{}}}", cx.print(sig))
}

struct Printer<'a, 'tcx> {
    cx: &'a Cx<'tcx>,
    typing_env: ty::TypingEnv<'tcx>,
    /// Nesting, bounded: a pathological type is cut off as an atom rather than printed whole.
    depth: u32,
}

impl<'tcx> Printer<'_, 'tcx> {
    fn tcx(&self) -> TyCtxt<'tcx> {
        self.cx.tcx
    }

    fn arg(&mut self, arg: ty::GenericArg<'tcx>, out: &mut String) {
        match arg.kind() {
            GenericArgKind::Lifetime(_) => out.push_str("'_"),
            GenericArgKind::Type(t) => self.ty(t, out),
            GenericArgKind::Const(c) => match c.kind() {
                ty::ConstKind::Param(p) => out.push_str(&format!("#{}", p.index)),
                _ => {
                    out.push_str("{const:");
                    out.push_str(&self.cx.print(c));
                    out.push('}');
                }
            },
        }
    }

    fn list(&mut self, args: impl IntoIterator<Item = ty::GenericArg<'tcx>>, out: &mut String) {
        let mut first = true;
        for arg in args {
            out.push_str(if first { "<" } else { ", " });
            first = false;
            self.arg(arg, out);
        }
        if !first {
            out.push('>');
        }
    }

    fn ty(&mut self, t: Ty<'tcx>, out: &mut String) {
        self.depth += 1;
        if self.depth > 24 {
            self.atom(t, out);
        } else {
            self.ty_inner(t, out);
        }
        self.depth -= 1;
    }

    fn ty_inner(&mut self, t: Ty<'tcx>, out: &mut String) {
        let tcx = self.tcx();
        match *t.kind() {
            ty::Param(p) => out.push_str(&format!("#{}", p.index)),
            ty::Bool | ty::Char | ty::Int(_) | ty::Uint(_) | ty::Float(_) | ty::Str | ty::Never => {
                out.push_str(&self.cx.print_ty(t))
            }
            ty::Adt(def, args) => {
                out.push_str(&self.cx.path(def.did()));
                self.list(args.iter(), out);
            }
            ty::Foreign(def) => out.push_str(&self.cx.path(def)),
            ty::Ref(_, inner, m) => {
                out.push_str(if m.is_mut() { "&mut " } else { "&" });
                self.ty(inner, out);
            }
            ty::RawPtr(inner, m) => {
                out.push_str(if m.is_mut() { "*mut " } else { "*const " });
                self.ty(inner, out);
            }
            ty::Slice(inner) => {
                out.push('[');
                self.ty(inner, out);
                out.push(']');
            }
            ty::Array(inner, len) => {
                out.push('[');
                self.ty(inner, out);
                out.push_str("; ");
                self.arg(len.into(), out);
                out.push(']');
            }
            ty::Tuple(elems) => {
                out.push('(');
                for (i, e) in elems.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.ty(e, out);
                }
                if elems.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            ty::FnDef(def, args) => {
                out.push_str(&format!("{{fn:{}}}", self.cx.id(def)));
                let args = args.no_bound_vars().unwrap_or_else(|| args.skip_binder());
                self.list(args.iter(), out);
            }
            ty::Closure(def, args) => {
                out.push_str(&format!("{{closure:{}}}", self.cx.id(def)));
                self.list(args.as_closure().parent_args().iter().copied(), out);
            }
            ty::CoroutineClosure(def, args) => {
                out.push_str(&format!("{{closure:{}}}", self.cx.id(def)));
                self.list(
                    args.as_coroutine_closure().parent_args().iter().copied(),
                    out,
                );
            }
            ty::Coroutine(def, args) => {
                out.push_str(&format!("{{coroutine:{}}}", self.cx.id(def)));
                self.list(args.as_coroutine().parent_args().iter().copied(), out);
            }
            ty::Alias(..) => {
                // An `impl Trait` is the type it hides (the closure or coroutine a generic
                // executor is given); a projection its normal form where the caller's types
                // fix it.
                let revealed = reveal_opaques(tcx, t);
                let normal = tcx
                    .try_normalize_erasing_regions(
                        self.typing_env,
                        ty::Unnormalized::new_wip(revealed),
                    )
                    .unwrap_or(revealed);
                if matches!(normal.kind(), ty::Alias(..)) {
                    self.atom(normal, out)
                } else {
                    self.ty(normal, out)
                }
            }
            _ => self.atom(t, out),
        }
    }

    /// rustc's printing, with parameters renamed to their placeholders.
    fn atom(&self, t: Ty<'tcx>, out: &mut String) {
        let renamed = t.fold_with(&mut Placeholders { tcx: self.tcx() });
        out.push_str("{ty:");
        out.push_str(&self.cx.print_ty(renamed));
        out.push('}');
    }
}

/// Renames every type parameter `T` (index `i`) to `#i`, so rustc's printing of an atom
/// carries the same placeholders as the rest.
struct Placeholders<'tcx> {
    tcx: TyCtxt<'tcx>,
}

impl<'tcx> TypeFolder<TyCtxt<'tcx>> for Placeholders<'tcx> {
    fn cx(&self) -> TyCtxt<'tcx> {
        self.tcx
    }
    fn fold_ty(&mut self, t: Ty<'tcx>) -> Ty<'tcx> {
        use rustc_middle::ty::TypeSuperFoldable;
        match *t.kind() {
            ty::Param(p) => {
                Ty::new_param(self.tcx, p.index, Symbol::intern(&format!("#{}", p.index)))
            }
            _ => t.super_fold_with(self),
        }
    }
}
