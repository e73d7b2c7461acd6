//! Candidates of `trait_generic` calls: the impls of the method whose trait arguments fit, and
//! for `Fn*` calls the closures and fns passed as type arguments that take the call's arguments.

use super::dyn_calls::object_fits;
use super::index::{Impl, Index, Signature, method_key};
use super::query::Target;
use super::{
    REASON_ANY_GENERIC_ARG, REASON_GENERIC_ARG, REASON_IMPL, REASON_IMPL_UNINSTANTIATED,
    REASON_INSTANCE,
};
use crate::instances::Instantiations;
use crate::resolve::crate_prefix;
use crate::typematch::TypePattern;
use painter_schema::Sym;

impl<'a> Index<'a> {
    /// Impls of `method` that pass `keep`, as candidates for `reason`.
    pub(super) fn impl_targets(
        &self,
        method: &'a str,
        reason: &'static str,
        keep: impl Fn(&Impl<'a>) -> bool,
    ) -> Vec<Target<'a>> {
        let Some(impls) = self.impls.get(&method_key(self.crate_of, method)) else {
            return Vec::new();
        };
        impls
            .iter()
            .filter(|imp| keep(imp))
            .map(|imp| Target {
                callee: &imp.function.id,
                callee_path: &imp.function.path,
                target_crate: imp.krate,
                reason,
            })
            .collect()
    }
    /// A call on a type parameter: the impls of the method for the trait with the call's
    /// arguments (`M: Meter<u32>` never calls the `Meter<u64>` impl), and for `Fn*` the
    /// closures and fn items passed to the calling function as type arguments that take the
    /// call's arguments; when none is passed to it directly, those passed anywhere.
    pub(super) fn generic_targets(
        &self,
        method: &'a str,
        trait_ref: Option<&'a str>,
        caller: Option<&'a str>,
        uninstantiated: bool,
    ) -> Vec<Target<'a>> {
        let asked = trait_ref.map(TypePattern::new);
        let reason = if uninstantiated {
            REASON_IMPL_UNINSTANTIATED
        } else {
            REASON_IMPL
        };
        let mut targets = self.impl_targets(method, reason, |imp| {
            object_fits(imp.trait_ref.as_ref(), asked.as_ref())
        });
        let Some(signature) = trait_ref.and_then(fn_trait_signature) else {
            return targets;
        };
        let pattern = TypePattern::new(&signature);
        let fitting = |list: &[Signature<'a>], reason: &'static str| {
            list.iter()
                .filter(|s| s.pattern.matches(&pattern))
                .flat_map(|s| s.targets.iter())
                .filter_map(move |(&id, &path)| {
                    Some(Target {
                        callee: id,
                        callee_path: path,
                        target_crate: self.crate_of.get(crate_prefix(id)).copied()?,
                        reason,
                    })
                })
                .collect::<Vec<_>>()
        };
        let here = caller
            .and_then(|c| self.type_args_to.get(c))
            .map(|list| fitting(list, REASON_GENERIC_ARG))
            .unwrap_or_default();
        if here.is_empty() {
            targets.extend(fitting(&self.type_args, REASON_ANY_GENERIC_ARG));
        } else {
            targets.extend(here);
        }
        targets
    }
}

impl<'a> Index<'a> {
    /// A call in an instantiated body: what the instantiations select; if the body is open,
    /// also what `generic_targets` proposes.
    pub(super) fn instance_targets(
        &self,
        inst: &Instantiations<'a>,
        method: &'a str,
        trait_ref: Option<&'a str>,
        caller: &'a str,
        args: &'a [Sym],
        open: bool,
    ) -> Vec<Target<'a>> {
        let site = (method_key(self.crate_of, caller), method, args);
        let mut targets: Vec<Target<'a>> = inst
            .resolved
            .get(&site)
            .into_iter()
            .flatten()
            .map(|(r, _)| Target {
                callee: r.callee,
                callee_path: r.callee_path,
                target_crate: r.target_crate,
                reason: REASON_INSTANCE,
            })
            .collect();
        if open || inst.unresolved.contains(&site) {
            let is_fn = trait_ref.and_then(fn_trait_signature).is_some();
            let fallback = self.generic_targets(method, trait_ref, is_fn.then_some(caller), false);
            // A function both instantiations and the fallback name is an instantiation edge.
            let fallback: Vec<Target<'a>> = fallback
                .into_iter()
                .filter(|t| !targets.iter().any(|s| s.callee == t.callee))
                .collect();
            targets.extend(fallback);
        }
        targets
    }
}

/// The trait of a printed trait reference: `<F as std::ops::Fn<(u32,)>>` →
/// `std::ops::Fn<(u32,)>`. (Older files hold only the self type there: `None`.)
pub(super) fn trait_of_ref(trait_ref: &str) -> Option<&str> {
    let inner = trait_ref.trim().strip_prefix('<')?.strip_suffix('>')?;
    let mut depth = 0i32;
    let mut previous = ' ';
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if previous == '-' => {}
            '>' | ')' | ']' => depth -= 1,
            ' ' if depth == 0 && inner[i..].starts_with(" as ") => {
                return Some(inner[i + 4..].trim());
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// For a trait reference of `Fn`, `FnMut` or `FnOnce` (`std::ops::Fn<(u32, &str)>`), the
/// signature of the functions it can call, its output unknown: `fn(u32, &str) -> _`.
pub(super) fn fn_trait_signature(trait_ref: &str) -> Option<String> {
    let (path, args) = trait_ref.split_once('<')?;
    let name = path.rsplit("::").next()?;
    if !matches!(name, "Fn" | "FnMut" | "FnOnce") {
        return None;
    }
    let tuple = args.strip_suffix('>')?.trim();
    let inputs = tuple.strip_prefix('(')?.strip_suffix(')')?.trim();
    let inputs = inputs.strip_suffix(',').unwrap_or(inputs);
    Some(format!("fn({inputs}) -> _"))
}
