//! Candidates of `dyn` calls: the impls of the called method for the types coerced to the
//! object's trait (matching its arguments), and the closures and fns put behind that `dyn`.

use std::collections::HashSet;

use super::index::{Index, Vtable};
use super::query::Target;
use super::{REASON_COERCED, REASON_EXTERNAL_TRAIT, REASON_NO_COERCION};
use crate::resolve::crate_prefix;
use crate::typematch::TypePattern;

impl<'a> Index<'a> {
    pub(super) fn dyn_targets(
        &self,
        method: &'a str,
        trait_path: &'a str,
        receiver: Option<&'a str>,
        object: Option<&str>,
    ) -> Vec<Target<'a>> {
        let asked = object.map(TypePattern::new);
        let asked = asked.as_ref();
        // The trait of the `dyn` value: the called method's own trait, or (for a supertrait
        // method) the trait object's principal, whose id the call does not carry.
        let (object_trait, object_crate) = match receiver {
            None => (trait_path, self.crate_of.get(crate_prefix(method)).copied()),
            Some(principal) => (principal, None),
        };
        // Closures and fn items put behind `dyn Fn*` have no impl methods: their bodies are the
        // targets, whichever branch below answers for the impls.
        // Only those put behind a `dyn` of the same arguments (`Fn(u32) -> u32` is not
        // `Fn(&str) -> u32`).
        let closures: Vec<Target<'a>> = self
            .closures
            .get(object_trait)
            .into_iter()
            .flatten()
            .filter(|body| object_fits(body.object.as_ref(), asked))
            .map(|body| body.target)
            .collect();
        let direct = self.vtables_of(object_trait, object_crate);
        let mut targets = if direct.is_empty() {
            self.impl_targets(method, REASON_NO_COERCION, |_| true)
        } else if !match receiver {
            None => object_crate.is_some(),
            Some(_) => direct.iter().any(|v| v.trait_crate.is_some()),
        } {
            self.impl_targets(method, REASON_EXTERNAL_TRAIT, |_| true)
        } else {
            let coerced = self.coerced_types(object_trait, object_crate, asked);
            // The impl must implement the object's trait with the object's arguments
            // (`dyn Meter<u32>` never calls the `Meter<u64>` impl); for a supertrait method
            // the object is another trait and says nothing about the impl's arguments.
            let trait_asked = if receiver.is_none() { asked } else { None };
            self.impl_targets(method, REASON_COERCED, |imp| {
                let coerced_here = match &imp.self_ty {
                    Some(self_ty) => coerced.iter().any(|ty| ty.matches(self_ty)),
                    None => true,
                };
                coerced_here && object_fits(imp.trait_ref.as_ref(), trait_asked)
            })
        };
        targets.extend(closures);
        targets
    }
    /// The vtable records of the trait at `path`; of its linked crate `krate` when known (other
    /// versions of the crate define a trait of the same path).
    pub(super) fn vtables_of(&self, path: &str, krate: Option<&str>) -> Vec<&Vtable<'a>> {
        self.vtables.get(path).map_or_else(Vec::new, |records| {
            records
                .iter()
                .filter(|v| krate.is_none() || v.trait_crate.is_none() || v.trait_crate == krate)
                .collect()
        })
    }
    /// Every type coerced to `dyn <path>`, also through trait upcasting: a `dyn Sub` coerced
    /// to `dyn <path>` brings the types coerced to `dyn Sub`.
    /// `asked`: the object type of the call (principal with arguments); the coercions to
    /// `dyn <path>` with other arguments are left out.
    pub(super) fn coerced_types(
        &self,
        path: &'a str,
        krate: Option<&'a str>,
        asked: Option<&TypePattern<'_>>,
    ) -> Vec<&TypePattern<'a>> {
        let mut types = Vec::new();
        let mut visited = HashSet::from([path]);
        let mut pending = vec![(path, krate, asked)];
        while let Some((path, krate, asked)) = pending.pop() {
            for vtable in self.vtables_of(path, krate) {
                if !object_fits(vtable.object.as_ref(), asked) {
                    continue;
                }
                types.push(&vtable.self_ty);
                if let Some(sub) = vtable.self_ty.dyn_principal() {
                    if visited.insert(sub) {
                        pending.push((sub, None, None));
                    }
                }
            }
        }
        types
    }
}

/// Whether a record made for object `recorded` can be reached through a `dyn` of `asked`;
/// unknown on either side (files without the field): yes.
pub(super) fn object_fits(
    recorded: Option<&TypePattern<'_>>,
    asked: Option<&TypePattern<'_>>,
) -> bool {
    match (recorded, asked) {
        (Some(recorded), Some(asked)) => recorded.matches(asked),
        _ => true,
    }
}

/// The principal trait with its arguments of a printed `dyn` type: `dyn lib::Meter<u32> + Send`
/// → `lib::Meter<u32>`, `dyn for<'a> Fn(&'a u8) -> u32` → `for<'a> Fn(&'a u8) -> u32`.
pub(super) fn dyn_object(dyn_ty: &str) -> Option<&str> {
    let rest = dyn_ty.trim().strip_prefix("dyn ")?;
    let mut depth = 0i32;
    let mut previous = ' ';
    for (i, c) in rest.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            // The `>` of `->` closes nothing.
            '>' if previous == '-' => {}
            '>' | ')' | ']' => depth -= 1,
            '+' if depth == 0 => return Some(rest[..i].trim()),
            _ => {}
        }
        previous = c;
    }
    Some(rest.trim())
}
