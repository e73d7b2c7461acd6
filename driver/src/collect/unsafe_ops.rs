//! Unsafe-operations collector: walks a body's THIR with the rules of the compiler's own
//! unsafety checker (`rustc_mir_build/src/check_unsafety.rs`, `UnsafetyVisitor`), recording every
//! operation that checker would reject outside an unsafe context, at the span its E0133 error
//! would point to, with the context that allows it. Keep this file in step with that checker
//! when bumping the nightly (docs/nightly-bump.md).

use painter_schema::{self as schema, ContextKind, UnsafeOpKind};
use rustc_ast::AsmMacro;
use rustc_attr_ir::lang_items::LangItem;
use rustc_hir as hir;
use rustc_hir::def::DefKind;
use rustc_hir::def_id::{DefId, LocalDefId};
use rustc_hir::{BindingMode, ByRef, Mutability};
use rustc_middle::middle::codegen_fn_attrs::TargetFeature;
use rustc_middle::thir::visit::{self, Visitor};
use rustc_middle::thir::*;
use rustc_middle::ty::{self, TyCtxt};
use rustc_span::Span;

use super::common::Cx;

/// The checker's `SafetyContext`, plus what we report about it.
#[derive(Clone, Copy)]
enum Safety {
    Safe,
    /// A compiler-generated unsafe block; index into `Visit::blocks`.
    Generated(usize),
    UnsafeFn,
    /// A user-written `unsafe {}` block; index into `Visit::blocks`.
    Block(usize),
}

/// What one body (with its closures and inline consts) contributes.
#[derive(Default)]
pub struct BodyFacts {
    pub ops: Vec<(schema::UnsafeOp, Span)>,
    pub blocks: Vec<schema::UnsafeBlock>,
    /// Closures / inline consts visited as part of this body.
    pub inner_bodies: Vec<LocalDefId>,
}

/// Visit the THIR of `def` (a typeck root) and of the closures and inline consts inside it.
/// Must run before `check_unsafety` steals that THIR.
pub fn visit_body(cx: &Cx<'_>, def: LocalDefId) -> BodyFacts {
    let tcx = cx.tcx;
    let mut facts = BodyFacts::default();
    let Ok((thir, expr)) = tcx.thir_body(def) else {
        return facts;
    };
    if thir.is_stolen() {
        return facts;
    }
    let thir = &thir.borrow();
    let hir_id = tcx.local_def_id_to_hir_id(def);
    // As `check_unsafety`: an `unsafe fn` body is an unsafe context; a safe
    // `#[target_feature]` fn body is safe.
    let in_unsafe_fn = tcx.hir_fn_sig_by_hir_id(hir_id).is_some_and(|sig| {
        matches!(
            sig.header.safety,
            hir::HeaderSafety::Normal(hir::Safety::Unsafe)
        )
    });
    if !in_unsafe_fn && !may_record(tcx, thir, &mut facts.inner_bodies) {
        return facts;
    }
    let mut v = Visit {
        cx,
        thir,
        owner: cx.id(def.to_def_id()),
        safety: if in_unsafe_fn {
            Safety::UnsafeFn
        } else {
            Safety::Safe
        },
        in_unsafe_fn,
        body_target_features: &tcx.body_codegen_attrs(def.to_def_id()).target_features,
        assignment_info: None,
        in_union_destructure: false,
        inside_adt: false,
        typing_env: ty::TypingEnv::post_typeck_through_borrowck_for_mir_build(tcx, def),
        facts: &mut facts,
    };
    v.visit_params_and_body(expr);
    facts
}

/// Whether walking a safe body (and the closures and inline consts in it) can record anything.
///
/// Outside an unsafe context every operation the checker knows is an E0133 error, except a call
/// of a deprecated-safe function (`std::env::set_var` before edition 2024), which is a lint. So
/// a body of a crate that compiles, with no unsafe block (user-written or compiler-generated)
/// and no call of an `unsafe` fn type, has nothing to record: a flat scan of its THIR arrays
/// says so without the walk and its per-call queries. (A crate that does not compile writes no
/// file.) Bodies without anything to record are the vast majority.
fn may_record<'tcx>(tcx: TyCtxt<'tcx>, thir: &Thir<'tcx>, inner: &mut Vec<LocalDefId>) -> bool {
    if thir
        .blocks
        .iter()
        .any(|b| !matches!(b.safety_mode, BlockSafety::Safe))
    {
        return true;
    }
    for expr in thir.exprs.iter() {
        match expr.kind {
            ExprKind::Call { fun, .. } if thir[fun].ty.fn_sig(tcx).safety().is_unsafe() => {
                return true;
            }
            ExprKind::Closure(ClosureExpr {
                closure_id: def, ..
            }) => {
                if inner_may_record(tcx, def, inner) {
                    return true;
                }
            }
            ExprKind::ConstBlock { did, .. } => {
                if let Some(def) = did.as_local()
                    && inner_may_record(tcx, def, inner)
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn inner_may_record(tcx: TyCtxt<'_>, def: LocalDefId, inner: &mut Vec<LocalDefId>) -> bool {
    let Ok((thir, _)) = tcx.thir_body(def) else {
        return false;
    };
    if thir.is_stolen() {
        return false;
    }
    inner.push(def);
    may_record(tcx, &thir.borrow(), inner)
}

struct Visit<'a, 'tcx> {
    cx: &'a Cx<'tcx>,
    thir: &'a Thir<'tcx>,
    /// Id of the body ops are attributed to (the closure's own id inside closures).
    owner: String,
    safety: Safety,
    in_unsafe_fn: bool,
    body_target_features: &'tcx [TargetFeature],
    assignment_info: Option<ty::Ty<'tcx>>,
    in_union_destructure: bool,
    inside_adt: bool,
    typing_env: ty::TypingEnv<'tcx>,
    facts: &'a mut BodyFacts,
}

impl<'a, 'tcx> Visit<'a, 'tcx> {
    fn tcx(&self) -> TyCtxt<'tcx> {
        self.cx.tcx
    }

    fn visit_params_and_body(&mut self, expr: ExprId) {
        for param in &self.thir.params {
            if let Some(pat) = param.pat.as_deref() {
                self.visit_pat(pat);
            }
        }
        self.visit_expr(&self.thir[expr]);
    }

    fn record(
        &mut self,
        span: Span,
        kind: UnsafeOpKind,
        callee: Option<DefId>,
        target: Option<DefId>,
    ) {
        let cx = self.cx;
        let context = match self.safety {
            Safety::Safe => schema::Context {
                kind: ContextKind::DeprecatedSafe,
                block: None,
                in_unsafe_fn: self.in_unsafe_fn,
            },
            Safety::UnsafeFn => schema::Context {
                kind: ContextKind::UnsafeFn,
                block: None,
                in_unsafe_fn: true,
            },
            Safety::Block(i) | Safety::Generated(i) => {
                self.facts.blocks[i].ops += 1;
                let kind = if matches!(self.safety, Safety::Block(_)) {
                    ContextKind::UnsafeBlock
                } else {
                    ContextKind::GeneratedBlock
                };
                let block = Some(self.facts.blocks[i].span.clone());
                schema::Context {
                    kind,
                    block,
                    in_unsafe_fn: self.in_unsafe_fn,
                }
            }
        };
        let callee = callee.map(|def| schema::CalleeRef {
            id: Some(cx.id(def)),
            path: cx.path(def),
            foreign: cx.tcx.is_foreign_item(def),
        });
        let op = schema::UnsafeOp {
            configs: Vec::new(),
            function: (&self.owner).into(),
            kind,
            span: cx.span(span),
            context,
            callee,
            target: target.map(|d| cx.path(d)),
            from_macro: cx.macro_origin(span),
        };
        self.facts.ops.push((op, span));
    }

    fn with_block(&mut self, block: &'a Block, generated: bool) {
        let cx = self.cx;
        self.facts.blocks.push(schema::UnsafeBlock {
            configs: Vec::new(),
            function: (&self.owner).into(),
            span: cx.span(block.span),
            generated,
            ops: 0,
            from_macro: cx.macro_origin(block.span),
        });
        let index = self.facts.blocks.len() - 1;
        let inner = if generated {
            Safety::Generated(index)
        } else {
            Safety::Block(index)
        };
        let outer = std::mem::replace(&mut self.safety, inner);
        visit::walk_block(self, block);
        self.safety = outer;
    }

    /// Closures, coroutines and inline consts are checked with their parent body and inherit
    /// its safety context (`visit_inner_body` in the checker).
    fn visit_inner_body(&mut self, def: LocalDefId) {
        let tcx = self.tcx();
        let Ok((thir, expr)) = tcx.thir_body(def) else {
            return;
        };
        if thir.is_stolen() {
            return;
        }
        let thir = &thir.borrow();
        self.facts.inner_bodies.push(def);
        let mut inner = Visit {
            cx: self.cx,
            thir,
            owner: self.cx.id(def.to_def_id()),
            safety: self.safety,
            in_unsafe_fn: self.in_unsafe_fn,
            body_target_features: self.body_target_features,
            assignment_info: self.assignment_info,
            in_union_destructure: false,
            inside_adt: false,
            typing_env: self.typing_env,
            facts: &mut *self.facts,
        };
        inner.visit_params_and_body(expr);
    }

    fn visit_call(&mut self, expr: &'a Expr<'tcx>, fun: ExprId) {
        let tcx = self.tcx();
        let fn_ty = self.thir[fun].ty;
        let sig = fn_ty.fn_sig(tcx);
        let (callee_features, safe_target_features): (&[_], _) = match *fn_ty.kind() {
            ty::FnDef(func_id, ..) => {
                let attrs = tcx.codegen_fn_attrs(func_id);
                (&attrs.target_features, attrs.safe_target_features)
            }
            _ => (&[], false),
        };
        let func_id = if let ty::FnDef(id, _) = *fn_ty.kind() {
            Some(id)
        } else {
            None
        };
        if sig.safety().is_unsafe() && !safe_target_features {
            self.record(expr.span, UnsafeOpKind::CallUnsafeFn, func_id, None);
        } else if let Some(func_id) = func_id {
            if !tcx.is_target_feature_call_safe(callee_features, self.body_target_features) {
                self.record(
                    expr.span,
                    UnsafeOpKind::CallTargetFeatureFn,
                    Some(func_id),
                    None,
                );
            }
            if let Some(trait_id) = tcx.trait_of_assoc(func_id)
                && tcx.is_lang_item(trait_id, LangItem::Drop)
            {
                self.record(
                    expr.span,
                    UnsafeOpKind::CallDropExplicitly,
                    Some(func_id),
                    None,
                );
            }
        }
    }
}

impl<'a, 'tcx> Visitor<'a, 'tcx> for Visit<'a, 'tcx> {
    fn thir(&self) -> &'a Thir<'tcx> {
        self.thir
    }

    fn visit_block(&mut self, block: &'a Block) {
        match block.safety_mode {
            BlockSafety::BuiltinUnsafe => self.with_block(block, true),
            BlockSafety::ExplicitUnsafe(_) => self.with_block(block, false),
            BlockSafety::Safe => visit::walk_block(self, block),
        }
    }

    fn visit_pat(&mut self, pat: &'a Pat<'tcx>) {
        if self.in_union_destructure {
            match pat.kind {
                PatKind::Missing => {}
                PatKind::Binding { .. }
                | PatKind::Constant { .. }
                | PatKind::Variant { .. }
                | PatKind::Leaf { .. }
                | PatKind::Deref { .. }
                | PatKind::DerefPattern { .. }
                | PatKind::Range { .. }
                | PatKind::Slice { .. }
                | PatKind::Array { .. }
                | PatKind::Guard { .. }
                | PatKind::Never => {
                    self.record(pat.span, UnsafeOpKind::AccessUnionField, None, None);
                    return;
                }
                PatKind::Wild | PatKind::Or { .. } | PatKind::Error(_) => {}
            }
        }
        match &pat.kind {
            PatKind::Leaf { subpatterns, .. } => {
                if let ty::Adt(adt_def, ..) = pat.ty.kind() {
                    for sub in subpatterns {
                        if adt_def.non_enum_variant().fields[sub.field]
                            .safety
                            .is_unsafe()
                        {
                            self.record(sub.pattern.span, UnsafeOpKind::UseUnsafeField, None, None);
                        }
                    }
                    if adt_def.is_union() {
                        let old = std::mem::replace(&mut self.in_union_destructure, true);
                        visit::walk_pat(self, pat);
                        self.in_union_destructure = old;
                        return;
                    }
                }
                visit::walk_pat(self, pat);
            }
            PatKind::Variant {
                adt_def,
                variant_index,
                subpatterns,
                ..
            } => {
                for sub in subpatterns {
                    if adt_def.variant(*variant_index).fields[sub.field]
                        .safety
                        .is_unsafe()
                    {
                        self.record(sub.pattern.span, UnsafeOpKind::UseUnsafeField, None, None);
                    }
                }
                visit::walk_pat(self, pat);
            }
            PatKind::Binding {
                mode: BindingMode(ByRef::Yes(_, rm), _),
                ty,
                ..
            } => {
                if self.inside_adt
                    && let ty::Ref(_, inner_ty, _) = ty.kind()
                {
                    match rm {
                        Mutability::Not if !inner_ty.is_freeze(self.tcx(), self.typing_env) => {
                            let kind = UnsafeOpKind::BorrowLayoutConstrainedField;
                            self.record(pat.span, kind, None, None)
                        }
                        Mutability::Not => {}
                        Mutability::Mut => {
                            let kind = UnsafeOpKind::MutateLayoutConstrainedField;
                            self.record(pat.span, kind, None, None)
                        }
                    }
                }
                visit::walk_pat(self, pat);
            }
            PatKind::Deref { .. } | PatKind::DerefPattern { .. } => {
                let old = std::mem::replace(&mut self.inside_adt, false);
                visit::walk_pat(self, pat);
                self.inside_adt = old;
            }
            _ => visit::walk_pat(self, pat),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr<'tcx>) {
        // Only place projections keep the "left-hand side of an assignment" information alive.
        if !matches!(
            expr.kind,
            ExprKind::Field { .. }
                | ExprKind::VarRef { .. }
                | ExprKind::UpvarRef { .. }
                | ExprKind::Scope { .. }
                | ExprKind::Cast { .. }
        ) {
            self.assignment_info = None;
        }
        match expr.kind {
            ExprKind::Scope { value, .. } => {
                self.visit_expr(&self.thir[value]);
                return;
            }
            ExprKind::Call { fun, .. } => self.visit_call(expr, fun),
            ExprKind::RawBorrow { arg, .. } => {
                // `&raw const *p` is safe; only what `p` itself does is checked.
                if let ExprKind::Scope { value: arg, .. } = self.thir[arg].kind
                    && let ExprKind::Deref { arg } = self.thir[arg].kind
                {
                    visit::walk_expr(self, &self.thir[arg]);
                    return;
                }
                // Raw borrows of union fields are safe: peel them off.
                let mut peeled = arg;
                while let ExprKind::Scope { value: arg, .. } = self.thir[peeled].kind
                    && let ExprKind::Field { lhs, .. } = self.thir[arg].kind
                    && let ty::Adt(def, _) = self.thir[lhs].ty.kind()
                    && def.is_union()
                {
                    peeled = lhs;
                }
                visit::walk_expr(self, &self.thir[peeled]);
                return;
            }
            ExprKind::Deref { arg } => {
                if let ExprKind::StaticRef { def_id, .. } | ExprKind::ThreadLocalRef(def_id) =
                    self.thir[arg].kind
                {
                    let tcx = self.tcx();
                    if tcx.is_mutable_static(def_id) {
                        self.record(expr.span, UnsafeOpKind::UseStaticMut, None, Some(def_id));
                    } else if tcx.is_foreign_item(def_id)
                        && !matches!(
                            tcx.def_kind(def_id),
                            DefKind::Static {
                                safety: hir::Safety::Safe,
                                ..
                            }
                        )
                    {
                        self.record(expr.span, UnsafeOpKind::UseExternStatic, None, Some(def_id));
                    }
                } else if self.thir[arg].ty.is_raw_ptr() {
                    self.record(expr.span, UnsafeOpKind::DerefRawPointer, None, None);
                }
            }
            ExprKind::InlineAsm(InlineAsmExpr {
                asm_macro: asm_macro @ (AsmMacro::Asm | AsmMacro::NakedAsm),
                ref operands,
                ..
            }) => {
                // `naked_asm!` is made safe by the `#[unsafe(naked)]` attribute.
                if let AsmMacro::Asm = asm_macro {
                    self.record(expr.span, UnsafeOpKind::InlineAsm, None, None);
                }
                for op in &**operands {
                    use rustc_middle::thir::InlineAsmOperand::*;
                    match op {
                        In { expr, .. }
                        | Out {
                            expr: Some(expr), ..
                        }
                        | InOut { expr, .. } => self.visit_expr(&self.thir[*expr]),
                        SplitInOut {
                            in_expr, out_expr, ..
                        } => {
                            self.visit_expr(&self.thir[*in_expr]);
                            if let Some(out_expr) = out_expr {
                                self.visit_expr(&self.thir[*out_expr]);
                            }
                        }
                        Out { expr: None, .. } | Const { .. } | SymFn { .. } | SymStatic { .. } => {
                        }
                        // Label blocks are a safe context again.
                        Label { block } => {
                            let outer = std::mem::replace(&mut self.safety, Safety::Safe);
                            visit::walk_block(self, &self.thir[*block]);
                            self.safety = outer;
                        }
                    }
                }
                return;
            }
            ExprKind::Adt(AdtExpr {
                adt_def,
                variant_index,
                ..
            }) => {
                if adt_def.variant(variant_index).has_unsafe_fields() {
                    self.record(expr.span, UnsafeOpKind::InitUnsafeField, None, None);
                }
            }
            ExprKind::Closure(ClosureExpr { closure_id, .. }) => self.visit_inner_body(closure_id),
            ExprKind::ConstBlock { did, .. } => {
                if let Some(local) = did.as_local() {
                    self.visit_inner_body(local)
                }
            }
            ExprKind::Field {
                lhs,
                variant_index,
                name,
            } => {
                if let ty::Adt(adt_def, _) = self.thir[lhs].ty.kind() {
                    if adt_def.variant(variant_index).fields[name]
                        .safety
                        .is_unsafe()
                    {
                        self.record(expr.span, UnsafeOpKind::UseUnsafeField, None, None);
                    } else if adt_def.is_union() && self.assignment_info.is_none() {
                        // Writing a union field (the left-hand side of `=`) is safe.
                        self.record(expr.span, UnsafeOpKind::AccessUnionField, None, None);
                    }
                }
            }
            ExprKind::Assign { lhs, rhs } => {
                // `u.f = x` writes without reading; `u.f += x` (AssignOp) reads too.
                let lhs = &self.thir[lhs];
                self.assignment_info = Some(lhs.ty);
                visit::walk_expr(self, lhs);
                self.assignment_info = None;
                visit::walk_expr(self, &self.thir[rhs]);
                return;
            }
            ExprKind::PlaceUnwrapUnsafeBinder { .. }
            | ExprKind::ValueUnwrapUnsafeBinder { .. }
            | ExprKind::WrapUnsafeBinder { .. } => {
                self.record(expr.span, UnsafeOpKind::UnsafeBinderCast, None, None);
            }
            _ => {}
        }
        visit::walk_expr(self, expr);
    }
}
