//! Candidates of `fn_ptr` calls: the functions whose address is taken as a pointer of a
//! matching type.

use super::REASON_SIGNATURE;
use super::index::{Index, Signature};
use super::query::Target;
use crate::resolve::crate_prefix;
use crate::typematch::TypePattern;

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
            .flat_map(|s| s.targets.iter())
            // A function of a crate outside the graph has no key to name it by: left out.
            .filter_map(|(&id, &path)| {
                Some(Target {
                    callee: id,
                    callee_path: path,
                    target_crate: self.crate_of.get(crate_prefix(id)).copied()?,
                    reason: REASON_SIGNATURE,
                })
            })
            .collect()
    }
}
