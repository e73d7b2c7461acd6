//! What the graph offers as candidates, indexed once per link: impl methods by trait method,
//! types coerced to each `dyn Trait`, closures behind `dyn`, address-taken functions by
//! signature, closures and fns passed as type arguments; and the dispatch of each question to
//! its kind's answer.

use std::collections::{BTreeMap, HashMap, HashSet};

use painter_schema::{AddressTakenKind, CrateGraph, Function};
use rayon::prelude::*;

use super::REASON_CLOSURE;
use super::dyn_calls::dyn_object;
use super::query::{Query, Target};
use crate::instances::Instantiations;
use crate::resolve::{crate_prefix, stable_id_index};
use crate::typematch::TypePattern;

/// A function id with its crate part replaced by the crate's key when the crate is linked: copies
/// of one crate merged under one key have different stable crate ids but the same local hashes.
pub(crate) type MethodKey<'a> = (&'a str, &'a str);

pub(crate) fn method_key<'a>(crate_of: &CrateOf<'a>, id: &'a str) -> MethodKey<'a> {
    let (prefix, local) = id.split_once(':').unwrap_or((id, ""));
    (crate_of.get(prefix).copied().unwrap_or(prefix), local)
}

/// An impl method: its crate, record and parsed self type.
pub(super) struct Impl<'a> {
    pub(super) krate: &'a str,
    pub(super) function: &'a Function,
    pub(super) self_ty: Option<TypePattern<'a>>,
    /// The implemented trait with its arguments, when recorded.
    pub(super) trait_ref: Option<TypePattern<'a>>,
}

/// A type coerced to `dyn Trait` for one trait path.
pub(super) struct Vtable<'a> {
    /// Key of the trait's crate, when linked.
    pub(super) trait_crate: Option<&'a str>,
    pub(super) self_ty: TypePattern<'a>,
    /// The `dyn` type's principal with its arguments, when recorded.
    pub(super) object: Option<TypePattern<'a>>,
}

/// A closure or fn item put behind `dyn Fn*` (or another `dyn`), and the object type.
pub(super) struct DynBody<'a> {
    pub(super) target: Target<'a>,
    pub(super) object: Option<TypePattern<'a>>,
}

/// The address-taken functions of one fn-pointer type.
pub(super) struct Signature<'a> {
    pub(super) pattern: TypePattern<'a>,
    /// id → path, one entry per function.
    pub(super) targets: BTreeMap<&'a str, &'a str>,
}

/// Stable crate id → key of the linked crate.
pub(crate) type CrateOf<'a> = foldhash::HashMap<&'a str, &'a str>;

/// The [`CrateOf`] of `crates`, which the index and the instantiation stage share.
pub(super) fn crate_of(crates: &BTreeMap<String, CrateGraph>) -> CrateOf<'_> {
    stable_id_index(crates).into_iter().collect()
}

pub(super) struct Index<'a> {
    /// Stable crate id → key of the linked crate.
    pub(super) crate_of: &'a CrateOf<'a>,
    pub(super) impls: HashMap<MethodKey<'a>, Vec<Impl<'a>>>,
    pub(super) vtables: HashMap<&'a str, Vec<Vtable<'a>>>,
    /// Closures and fn items coerced to `dyn <trait path>`, as candidates.
    pub(super) closures: HashMap<&'a str, Vec<DynBody<'a>>>,
    pub(super) signatures: HashMap<&'a str, Signature<'a>>,
    /// Signatures with type parameters (compared with every call's signature), sorted.
    pub(super) generic_signatures: Vec<&'a str>,
    /// Closures and fn items passed as type arguments, by signature.
    pub(super) type_args: Vec<Signature<'a>>,
    /// The same, by the function they are passed to.
    pub(super) type_args_to: HashMap<&'a str, Vec<Signature<'a>>>,
}

impl<'a> Index<'a> {
    pub(super) fn build(
        crates: &'a BTreeMap<String, CrateGraph>,
        crate_of: &'a CrateOf<'a>,
    ) -> Self {
        let per_crate: Vec<Vec<(MethodKey<'a>, Impl<'a>)>> = crates
            .par_iter()
            .map(|(key, graph)| {
                graph
                    .functions
                    .iter()
                    .filter_map(|f| {
                        let implements = f.implements.as_deref()?;
                        let self_ty = f.impl_self_ty.as_deref().map(TypePattern::new);
                        let trait_ref = f.impl_trait.as_deref().map(TypePattern::new);
                        Some((
                            method_key(crate_of, implements),
                            Impl {
                                krate: key,
                                function: f,
                                self_ty,
                                trait_ref,
                            },
                        ))
                    })
                    .collect()
            })
            .collect();
        let mut impls: HashMap<MethodKey<'a>, Vec<Impl<'a>>> = HashMap::new();
        for (method, imp) in per_crate.into_iter().flatten() {
            impls.entry(method).or_default().push(imp);
        }

        let mut vtables: HashMap<&'a str, Vec<Vtable<'a>>> = HashMap::new();
        let mut closures: HashMap<&'a str, Vec<DynBody<'a>>> = HashMap::new();
        let mut seen_vtables = HashSet::new();
        let mut signatures: HashMap<&'a str, Signature<'a>> = HashMap::new();
        let mut type_args: HashMap<&'a str, Signature<'a>> = HashMap::new();
        let mut type_args_to: HashMap<&'a str, Vec<Signature<'a>>> = HashMap::new();
        for graph in crates.values() {
            for taken in &graph.address_taken {
                match taken.kind {
                    AddressTakenKind::Vtable => {
                        let (Some(path), Some(self_ty)) = (&taken.trait_path, &taken.self_ty)
                        else {
                            continue;
                        };
                        let object = taken.dyn_ty.as_deref().and_then(dyn_object);
                        if let Some(target) = taken.target.as_deref()
                            && let Some(krate) = crate_of.get(crate_prefix(target))
                        {
                            closures.entry(path.as_str()).or_default().push(DynBody {
                                target: Target {
                                    callee: target,
                                    callee_path: taken.target_path.as_deref().unwrap_or(""),
                                    target_crate: krate,
                                    reason: REASON_CLOSURE,
                                },
                                object: object.map(TypePattern::new),
                            });
                        }
                        let trait_crate = taken
                            .trait_id
                            .as_deref()
                            .and_then(|id| crate_of.get(crate_prefix(id)).copied());
                        if seen_vtables.insert((
                            path.as_str(),
                            trait_crate,
                            self_ty.as_str(),
                            object,
                        )) {
                            vtables.entry(path).or_default().push(Vtable {
                                trait_crate,
                                self_ty: TypePattern::new(self_ty),
                                object: object.map(TypePattern::new),
                            });
                        }
                    }
                    AddressTakenKind::FnPtr
                    | AddressTakenKind::ClosureFnPtr
                    | AddressTakenKind::GenericArg => {
                        let (Some(target), Some(signature)) = (&taken.target, &taken.signature)
                        else {
                            continue;
                        };
                        let path = taken.target_path.as_deref().unwrap_or_default();
                        if let (AddressTakenKind::GenericArg, Some(to)) =
                            (taken.kind, taken.passed_to.as_deref())
                        {
                            let mut targets = BTreeMap::new();
                            targets.insert(target.as_str(), path);
                            type_args_to.entry(to).or_default().push(Signature {
                                pattern: TypePattern::new(signature),
                                targets,
                            });
                        }
                        let signatures = match taken.kind {
                            AddressTakenKind::GenericArg => &mut type_args,
                            _ => &mut signatures,
                        };
                        let entry = signatures.entry(signature).or_insert_with(|| Signature {
                            pattern: TypePattern::new(signature),
                            targets: BTreeMap::new(),
                        });
                        entry
                            .targets
                            .entry(target)
                            .and_modify(|kept| *kept = (*kept).min(path))
                            .or_insert(path);
                    }
                }
            }
        }
        let mut generic_signatures: Vec<&'a str> = signatures
            .iter()
            .filter(|(_, s)| s.pattern.is_generic())
            .map(|(sig, _)| *sig)
            .collect();
        generic_signatures.sort_unstable();
        let mut type_args: Vec<Signature<'a>> = type_args.into_values().collect();
        type_args.sort_unstable_by(|a, b| a.targets.cmp(&b.targets));
        Index {
            crate_of,
            impls,
            vtables,
            closures,
            signatures,
            generic_signatures,
            type_args,
            type_args_to,
        }
    }

    pub(super) fn answer(&self, query: Query<'a>, inst: &Instantiations<'a>) -> Vec<Target<'a>> {
        let mut targets = match query {
            Query::Dyn {
                method,
                trait_path,
                receiver,
                object,
            } => self.dyn_targets(method, trait_path, receiver, object),
            Query::Generic {
                method,
                trait_ref,
                caller,
                uninstantiated,
            } => self.generic_targets(method, trait_ref, caller, uninstantiated),
            Query::Instance {
                method,
                trait_path,
                trait_ref,
                caller,
                args,
                open,
            } => {
                let mut targets =
                    self.instance_targets(inst, method, trait_ref, caller, args, open);
                let site = (method_key(self.crate_of, caller), method, args);
                for object in inst.dyn_receivers.get(&site).into_iter().flatten() {
                    let principal = super::dyn_calls::dyn_object(object);
                    let same_trait = principal
                        .is_some_and(|p| p.split(['<', '(']).next().unwrap_or(p) == trait_path);
                    if same_trait {
                        targets.extend(self.dyn_targets(method, trait_path, None, principal));
                    } else {
                        // Another trait's object (a supertrait's method through a subtrait
                        // object, `FnMut::call_mut` on a `dyn Fn`): the generic candidates.
                        let is_fn = trait_ref.and_then(super::generic::fn_trait_signature);
                        targets.extend(self.generic_targets(
                            method,
                            trait_ref,
                            is_fn.is_some().then_some(caller),
                            false,
                        ));
                    }
                }
                targets
            }
            Query::FnPtr { signature } => self.fn_ptr_targets(signature),
            Query::DynInstance {
                method,
                trait_path,
                receiver,
                caller,
                args,
            } => {
                let site = (method_key(self.crate_of, caller), args);
                let mut all = Vec::new();
                for object in inst.signatures.get(&site).into_iter().flatten() {
                    let principal = super::dyn_calls::dyn_object(object);
                    all.extend(self.dyn_targets(method, trait_path, receiver, principal));
                }
                all.dedup();
                all
            }
            Query::FnPtrInstance { caller, args, .. } => {
                self.fn_ptr_instance_targets(inst, caller, args)
            }
        };
        targets.sort_unstable();
        targets.dedup();
        targets
    }
}
