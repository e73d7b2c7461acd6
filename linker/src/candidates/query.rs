//! A call's question: what a `dyn`, `trait_generic` or `fn_ptr` call asks of the graph, with
//! equal questions equal (they are answered once), and the shape of an answer.

use painter_schema::{Call, CallKind, Sym};

use super::dyn_calls::dyn_object;
use super::generic::{fn_trait_signature, trait_of_ref};
use crate::typematch::TypePattern;

/// What a call asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Query<'a> {
    /// Virtual call of `method` (a trait method id), a method of `trait_path`, on a value of
    /// type `dyn <receiver>`: `receiver` is set when it is another trait than `trait_path`
    /// (a supertrait's method called through a subtrait object).
    Dyn {
        method: &'a str,
        trait_path: &'a str,
        receiver: Option<&'a str>,
        /// The object's principal trait with its arguments (`lib::Meter<u32>`,
        /// `std::ops::Fn(u32) -> u32`), from the call's `detail`.
        object: Option<&'a str>,
    },
    Generic {
        method: &'a str,
        /// The trait with its arguments, from the call's `detail` (`lib::Meter<u32>`,
        /// `std::ops::Fn<(u32,)>`); `None` in files that do not record it.
        trait_ref: Option<&'a str>,
        /// For `Fn*` calls: the calling function, whose type arguments are the candidates.
        caller: Option<&'a str>,
        /// No instantiation of the calling function is in the graph (a library analysed
        /// without its callers, or a file without `args`): the candidates say so.
        uninstantiated: bool,
    },
    /// A `trait_generic` call in a body the graph instantiates: the functions its
    /// instantiations select (`instances`), and when the body is also reached in ways the
    /// graph does not instantiate (`open`), the class-hierarchy candidates besides.
    Instance {
        method: &'a str,
        /// The method's trait (its path minus the method's name): for instantiations whose
        /// receiver is a trait object, answered like a `dyn` call.
        trait_path: &'a str,
        trait_ref: Option<&'a str>,
        caller: &'a str,
        args: &'a [Sym],
        open: bool,
    },
    FnPtr {
        signature: &'a str,
    },
    /// A `dyn` call whose object type names the caller's type parameters (`dyn Meter<T>`), in
    /// a body the graph fixes every instantiation of: the object types it has there.
    DynInstance {
        method: &'a str,
        trait_path: &'a str,
        receiver: Option<&'a str>,
        caller: &'a str,
        args: &'a [Sym],
    },
    /// An `fn_ptr` call whose signature names the caller's type parameters, in a body the
    /// graph fixes every instantiation of: the signatures it has there (`instances`).
    FnPtrInstance {
        signature: &'a str,
        caller: &'a str,
        args: &'a [Sym],
    },
}

impl std::fmt::Display for Query<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Query::Dyn {
                trait_path,
                receiver: Some(receiver),
                method,
                object,
            } => {
                let receiver = object.unwrap_or(receiver);
                write!(f, "dyn {receiver}: {trait_path} method {method}")
            }
            Query::Dyn {
                trait_path,
                receiver: None,
                method,
                object,
            } => {
                let object = object.unwrap_or(trait_path);
                write!(f, "dyn {object}: method {method}")
            }
            Query::Generic {
                method,
                trait_ref,
                caller,
                uninstantiated,
            } => {
                write!(f, "generic call of trait method {method}")?;
                if let Some(trait_ref) = trait_ref {
                    write!(f, " as {trait_ref}")?;
                }
                if let Some(caller) = caller {
                    write!(f, " in {caller}")?;
                }
                if *uninstantiated {
                    write!(f, " (no instantiation of the caller in the graph)")?;
                }
                Ok(())
            }
            Query::Instance {
                method,
                caller,
                args,
                open,
                ..
            } => {
                let args: Vec<&str> = args.iter().map(|a| &**a).collect();
                write!(
                    f,
                    "instantiated call of trait method {method}<{}> in {caller}",
                    args.join(", ")
                )?;
                if *open {
                    write!(f, " (also reached uninstantiated)")?;
                }
                Ok(())
            }
            Query::FnPtr { signature } => write!(f, "fn pointer {signature}"),
            Query::FnPtrInstance {
                signature, caller, ..
            } => write!(f, "fn pointer {signature} in {caller} as instantiated"),
            Query::DynInstance {
                method,
                trait_path,
                caller,
                ..
            } => write!(
                f,
                "dyn {trait_path} method {method} in {caller} as instantiated"
            ),
        }
    }
}

impl<'a> Query<'a> {
    /// Whether the answer depends on the instantiations (the questions only narrowing asks).
    pub(super) fn is_instantiated(&self) -> bool {
        matches!(
            self,
            Query::Instance { .. } | Query::DynInstance { .. } | Query::FnPtrInstance { .. }
        )
    }

    pub(super) fn kind(&self) -> CallKind {
        match self {
            Query::Dyn { .. } | Query::DynInstance { .. } => CallKind::Dyn,
            Query::Generic { .. } | Query::Instance { .. } => CallKind::TraitGeneric,
            Query::FnPtr { .. } | Query::FnPtrInstance { .. } => CallKind::FnPtr,
        }
    }

    pub(super) fn of(call: &'a Call) -> Option<Self> {
        match call.kind {
            CallKind::Dyn => {
                let method = call.callee.as_deref()?;
                // A trait method's path is `<trait path>::<method name>`.
                let trait_path = call
                    .callee_path
                    .rsplit_once("::")
                    .map_or("", |(path, _)| path);
                let receiver = call
                    .detail
                    .as_deref()
                    .and_then(|d| TypePattern::new(d).dyn_principal())
                    .filter(|&principal| principal != trait_path);
                let object = call.detail.as_deref().and_then(dyn_object);
                Some(Query::Dyn {
                    method,
                    trait_path,
                    receiver,
                    object,
                })
            }
            CallKind::TraitGeneric => {
                let trait_ref = call.detail.as_deref().and_then(trait_of_ref);
                // `Fn*` candidates depend on what is passed to the caller: one set per caller.
                let is_fn = trait_ref.and_then(fn_trait_signature).is_some();
                Some(Query::Generic {
                    method: call.callee.as_deref()?,
                    trait_ref,
                    caller: is_fn.then_some(call.caller.as_str()),
                    uninstantiated: true,
                })
            }
            // A callee: a local flow in the caller fixed the pointee (an exact edge).
            CallKind::FnPtr if call.callee.is_some() => None,
            CallKind::FnPtr => Some(Query::FnPtr {
                signature: call.detail.as_deref().filter(|s| !s.is_empty())?,
            }),
            _ => None,
        }
    }
}

/// One candidate of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Target<'a> {
    pub(super) callee: &'a str,
    pub(super) callee_path: &'a str,
    pub(super) target_crate: &'a str,
    pub(super) reason: &'static str,
}
