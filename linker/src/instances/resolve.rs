//! Where a call with concrete generic arguments goes, and with which arguments the callee's
//! body then runs: the callee itself (free fns, inherent methods), the impl method an
//! instantiation selects (matched against the impls' headers), the closure or fn item an
//! `Fn*` call is given, the coroutine a `Future::poll` is given.

use painter_schema::{Call, CallKind, FunctionKind};

use std::rc::Rc;

use super::MethodKey;
use super::graph::{Graph, ImplHeads};
use super::types::Ty;

/// Heads that forward `Fn*` / `Future` to the type they wrap (std's `impl Fn for &F`,
/// `impl Future for Pin<P>`, …): seen through when resolving those calls. The driver prints
/// defining paths (`alloc::boxed::Box`); the `std::` spellings are those of per-crate files
/// written before it did (same schema version), which a link may still be given.
pub(super) const FORWARDING: &[&str] = &["&", "&mut ", "alloc::boxed::Box", "std::boxed::Box"];
const PIN: &[&str] = &["std::pin::Pin", "core::pin::Pin"];

impl<'a> Graph<'a> {
    /// The functions a call with the concrete arguments `args` runs, each with its own
    /// instantiation.
    pub(super) fn targets(&self, call: &'a Call, args: Vec<Ty>) -> Vec<(MethodKey<'a>, Vec<Ty>)> {
        let Some(callee) = call.callee.as_deref() else {
            return Vec::new();
        };
        match call.kind {
            CallKind::Static => vec![(self.key(callee), args)],
            CallKind::TraitResolved => {
                // `Future::poll` / `Fn*::call*` resolved to a coroutine or closure body (an
                // `.await` in generic code): the body runs with its parent's arguments, which
                // its type carries, not with the trait method's.
                let key = self.key(callee);
                if let Some(body) = args.first().and_then(|t| self.body_of(t))
                    && body.0 == key
                {
                    return vec![body];
                }
                match self.impl_instance(key, &args) {
                    Some(instance) => vec![instance],
                    None => vec![(key, args)],
                }
            }
            CallKind::Closure => args
                .first()
                .and_then(|t| self.body_of(t))
                .into_iter()
                .collect(),
            CallKind::TraitGeneric => self.generic(callee, &call.callee_path, args),
            _ => Vec::new(),
        }
    }

    /// A `trait_generic` call of `method` at concrete `args` (`args[0]` is the receiver type).
    fn generic(&self, method: &'a str, path: &str, args: Vec<Ty>) -> Vec<(MethodKey<'a>, Vec<Ty>)> {
        let Some(receiver) = args.first() else {
            return Vec::new();
        };
        let fn_call = ["Fn::call", "FnMut::call_mut", "FnOnce::call_once"]
            .iter()
            .any(|m| path.ends_with(m));
        let poll = path.ends_with("Future::poll");
        if fn_call || poll {
            let through: &[&[&str]] = if poll {
                &[FORWARDING, PIN]
            } else {
                &[FORWARDING]
            };
            if let Some(body) = self.body_of(peel(receiver, through)) {
                return vec![body];
            }
        }
        let key = self.key(method);
        let impls = self.impls_matching(key, &args);
        if impls.is_empty() {
            // No impl in the graph: a default body, or an impl outside the graph (the call's
            // exact edge to the trait method is all there is).
            return vec![(key, args)];
        }
        impls
    }

    /// The closure, coroutine or fn item a type names, with its instantiation.
    fn body_of(&self, ty: &Ty) -> Option<(MethodKey<'a>, Vec<Ty>)> {
        let (kind, id, args) = ty.body()?;
        let key = self.key_str(id)?;
        if kind == "fn" {
            // A trait method named on a type (`<Dog as Animal>::speak` as a value): its impl.
            let is_trait_method = self
                .functions
                .get(&key)
                .is_some_and(|(_, f)| f.kind == FunctionKind::TraitMethod);
            if is_trait_method && let Some(imp) = self.impls_matching(key, args).first() {
                return Some(imp.clone());
            }
        }
        Some((key, args.to_vec()))
    }

    /// A function's key from an id found in a printed type (not borrowed from the graph).
    fn key_str(&self, id: &str) -> Option<MethodKey<'a>> {
        let (prefix, local) = id.split_once(':')?;
        let krate = self.crate_of.get(prefix).copied()?;
        self.by_local
            .get(local)?
            .iter()
            .find(|(k, _)| *k == krate)
            .copied()
    }

    /// The impl methods of trait method `method` whose header matches `args` (receiver and
    /// trait arguments), each with its instantiation: the impl's parameters as matched, then
    /// the method's own arguments.
    fn impls_matching(&self, method: MethodKey<'a>, args: &[Ty]) -> Vec<(MethodKey<'a>, Vec<Ty>)> {
        let (Some(impls), Some(self_ty)) = (self.impls.get(&method), args.first()) else {
            // No arguments: no impl header can match (`impl_instance`).
            return Vec::new();
        };
        let heads = self.impl_heads(method, impls);
        let mut picks: Vec<u32> = heads.any.clone();
        if let Ty::Node(head, _) = self_ty {
            picks.extend(heads.by_head.get(head).into_iter().flatten());
        }
        // In graph order, as before the index.
        picks.sort_unstable();
        picks
            .into_iter()
            .filter_map(|i| self.impl_instance(impls[i as usize], args))
            .collect()
    }

    fn impl_heads(&self, method: MethodKey<'a>, impls: &[MethodKey<'a>]) -> Rc<ImplHeads> {
        if let Some(heads) = self.impl_heads.borrow().get(&method) {
            return heads.clone();
        }
        let mut heads = ImplHeads::default();
        for (i, imp) in impls.iter().enumerate() {
            let first = self
                .functions
                .get(imp)
                .and_then(|(_, f)| f.impl_args.first());
            // No header or an unreadable one: `impl_instance` matches nothing either.
            match first.and_then(|pattern| self.parse(pattern)).as_deref() {
                Some(Ty::Param(_)) => heads.any.push(i as u32),
                Some(Ty::Node(head, _)) => heads
                    .by_head
                    .entry(head.clone())
                    .or_default()
                    .push(i as u32),
                None => {}
            }
        }
        let heads = Rc::new(heads);
        self.impl_heads.borrow_mut().insert(method, heads.clone());
        heads
    }

    /// `args` (a trait method's arguments) as the arguments of impl method `imp`, if its
    /// impl's header matches them.
    fn impl_instance(&self, imp: MethodKey<'a>, args: &[Ty]) -> Option<(MethodKey<'a>, Vec<Ty>)> {
        let (_, f) = self.functions.get(&imp)?;
        if f.impl_args.is_empty() || f.impl_args.len() > args.len() {
            return None;
        }
        let mut bound = Vec::new();
        for (pattern, arg) in f.impl_args.iter().zip(args) {
            if !self.parse(pattern)?.bind(arg, &mut bound) {
                return None;
            }
        }
        let lifetime = Ty::Node("'_".into(), Vec::new());
        bound.resize(f.impl_generics as usize, None);
        let mut instance: Vec<Ty> = bound
            .into_iter()
            .take(f.impl_generics as usize)
            .map(|b| b.unwrap_or_else(|| lifetime.clone()))
            .collect();
        instance.extend(args[f.impl_args.len()..].iter().cloned());
        Some((imp, instance))
    }

    /// The bodies a call in an open body may reach with that body's (unknown) parameters.
    pub(super) fn open_targets(&self, call: &'a Call) -> Vec<MethodKey<'a>> {
        let Some(callee) = call.callee.as_deref() else {
            return Vec::new();
        };
        let key = self.key(callee);
        match call.kind {
            CallKind::Static | CallKind::TraitResolved => vec![key],
            CallKind::Closure => call
                .args
                .first()
                .and_then(|a| self.parse(a))
                .and_then(|t| self.body_of(&t))
                .map(|(k, _)| vec![k])
                .unwrap_or_default(),
            CallKind::TraitGeneric => {
                let mut all = vec![key];
                all.extend(self.impls.get(&key).into_iter().flatten().copied());
                all
            }
            _ => Vec::new(),
        }
    }
}

/// `ty` without the wrappers that forward the trait to what they wrap.
pub(super) fn peel<'t>(ty: &'t Ty, through: &[&[&str]]) -> &'t Ty {
    let mut ty = ty;
    for _ in 0..8 {
        match ty {
            Ty::Node(head, args)
                if !args.is_empty() && through.iter().any(|heads| heads.contains(&&**head)) =>
            {
                ty = &args[0];
            }
            _ => break,
        }
    }
    ty
}
