//! Candidates of `fn_ptr` calls: the functions whose address is taken as a pointer of a
//! matching type.

use super::index::{Index, Signature, method_key};
use super::query::Target;
use super::{REASON_SIGNATURE, REASON_SIGNATURE_INSTANCE};
use crate::instances::Instantiations;
use crate::resolve::crate_prefix;
use crate::typematch::TypePattern;
use painter_schema::Sym;

impl<'a> Index<'a> {
    pub(super) fn fn_ptr_targets(&self, signature: &'a str) -> Vec<Target<'a>> {
        let pattern = TypePattern::new(signature);
        let mut matching: Vec<&Signature<'a>> = Vec::new();
        if pattern.is_generic() {
            // Rare (a call through `fn(T)` in generic code): compare with every signature.
            matching.extend(
                self.signatures
                    .values()
                    .filter(|s| s.pattern.matches(&pattern)),
            );
        } else {
            matching.extend(self.signatures.get(signature));
            matching.extend(
                self.generic_signatures
                    .iter()
                    .map(|sig| &self.signatures[sig])
                    .filter(|s| s.pattern.matches(&pattern)),
            );
        }
        matching
            .into_iter()
            .flat_map(|s| self.signature_targets(s, REASON_SIGNATURE))
            .collect()
    }

    /// The functions whose address is taken as `signature`, as targets with `reason`. A
    /// function of a crate outside the graph has no key to name it by: left out.
    fn signature_targets<'s>(
        &'s self,
        signature: &'s Signature<'a>,
        reason: &'static str,
    ) -> impl Iterator<Item = Target<'a>> + 's {
        signature.targets.iter().filter_map(move |(&id, &path)| {
            Some(Target {
                callee: id,
                callee_path: path,
                target_crate: self.crate_of.get(crate_prefix(id)).copied()?,
                reason,
            })
        })
    }

    /// A call through a signature naming the caller's type parameters, in a body whose every
    /// instantiation the graph shows: the functions matching one of the signatures it has in
    /// those instantiations (`fn(&T) -> u32` with `T = Dog`: `fn(&Dog) -> u32`, not
    /// `fn(&dyn Animal) -> u32`). Still candidates: which of them flows there is not known.
    pub(super) fn fn_ptr_instance_targets(
        &self,
        inst: &Instantiations<'a>,
        caller: &'a str,
        args: &'a [Sym],
    ) -> Vec<Target<'a>> {
        let site = (method_key(self.crate_of, caller), args);
        let mut targets: Vec<Target<'a>> = Vec::new();
        for signature in inst.signatures.get(&site).into_iter().flatten() {
            let pattern = TypePattern::new(signature);
            targets.extend(
                self.signatures
                    .values()
                    .filter(|s| s.pattern.matches(&pattern))
                    .flat_map(|s| self.signature_targets(s, REASON_SIGNATURE_INSTANCE)),
            );
        }
        targets.sort_unstable();
        targets.dedup();
        targets
    }
}
