//! The possible targets of indirect calls, as the driver records them: functions reified to
//! fn pointers (and closures coerced to them), concrete types coerced to `dyn Trait`, and the
//! trait method each impl method implements.

use painter_schema::{AddressTakenKind, CallKind};

const SOURCE: &str = r#"
pub trait Animal { fn speak(&self) -> u32; }
pub struct Dog;
impl Animal for Dog { fn speak(&self) -> u32 { 1 } }
pub struct Cat;
impl Animal for Cat { fn speak(&self) -> u32 { 2 } }
fn times(x: u32) -> u32 { x * 2 }
pub extern "C" fn cb(x: u32) -> u32 { x }
pub fn f(a: &dyn Animal, g: fn(u32) -> u32) -> u32 {
    let d: Box<dyn Animal> = Box::new(Dog);
    let r: &dyn Animal = &Cat;
    let h: fn(u32) -> u32 = times;
    let c: fn(u32) -> u32 = |x| x + 1;
    let e: extern "C" fn(u32) -> u32 = cb;
    a.speak() + d.speak() + r.speak() + g(1) + h(2) + c(3) + e(4)
}
"#;

#[test]
fn address_taken_vtables_and_impl_links() {
    let graph = painter_tests::analyse_source("indirect", SOURCE);
    let taken = |kind| graph.address_taken.iter().filter(move |a| a.kind == kind);

    // `Box<Dog> -> Box<dyn Animal>` and `&Cat -> &dyn Animal`.
    let vtables: Vec<(&str, &str)> = taken(AddressTakenKind::Vtable)
        .map(|a| {
            (
                a.self_ty.as_deref().unwrap(),
                a.trait_path.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        vtables,
        [
            ("indirect::Dog", "indirect::Animal"),
            ("indirect::Cat", "indirect::Animal")
        ]
    );
    // Reified fns and the closure, with the signature a `fn_ptr` call prints.
    let fns: Vec<(&str, &str)> = taken(AddressTakenKind::FnPtr)
        .map(|a| {
            (
                a.target_path.as_deref().unwrap(),
                a.signature.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        fns,
        [
            ("indirect::times", "fn(u32) -> u32"),
            ("indirect::cb", "extern \"C\" fn(u32) -> u32")
        ]
    );
    let closures: Vec<&str> = taken(AddressTakenKind::ClosureFnPtr)
        .map(|a| a.signature.as_deref().unwrap())
        .collect();
    assert_eq!(closures, ["fn(u32) -> u32"]);
    let fn_ptr_calls: Vec<&str> = graph
        .calls
        .iter()
        .filter(|c| c.kind == CallKind::FnPtr)
        .map(|c| c.detail.as_deref().unwrap())
        .collect();
    assert!(
        fn_ptr_calls.contains(&"fn(u32) -> u32")
            && fn_ptr_calls.contains(&"extern \"C\" fn(u32) -> u32")
    );
    // Impl methods name the trait method they implement, and their self type.
    let speak = graph
        .functions
        .iter()
        .find(|f| f.path == "indirect::Animal::speak")
        .unwrap();
    let impls: Vec<&str> = graph
        .functions
        .iter()
        .filter(|f| f.implements.as_deref() == Some(speak.id.as_str()))
        .map(|f| f.impl_self_ty.as_deref().unwrap())
        .collect();
    assert_eq!(impls.len(), 2);
    assert!(impls.contains(&"indirect::Dog") && impls.contains(&"indirect::Cat"));
    // An `extern "C"` fn handed out as a pointer is also an FFI callback.
    assert!(
        graph
            .ffi
            .callbacks
            .iter()
            .any(|cb| cb.callback_path == "indirect::cb")
    );
}

/// A trait method named on a concrete type and reified (or put behind `dyn Fn`) is the impl's
/// method; the `dyn` type of a coercion and the trait arguments of an impl are recorded, so
/// candidates can tell `dyn Fn(u32)` from `dyn Fn(&str)` and `Meter<u32>` from `Meter<u64>`.
#[test]
fn reified_trait_methods_name_the_impl() {
    let graph = painter_tests::analyse_source(
        "reify",
        r#"
pub trait Animal { fn speak(&self) -> u32; fn quiet(&self) -> u32 { 0 } }
pub trait Meter<U> { fn measure(&self) -> U; }
pub struct Dog;
impl Animal for Dog { fn speak(&self) -> u32 { 1 } }
impl Meter<u32> for Dog { fn measure(&self) -> u32 { 2 } }
impl Meter<u64> for Dog { fn measure(&self) -> u64 { 3 } }
pub fn f(d: &Dog) -> u32 {
    let by_trait: fn(&Dog) -> u32 = Animal::speak;
    let default: fn(&Dog) -> u32 = <Dog as Animal>::quiet;
    let boxed: &dyn Fn(&Dog) -> u32 = &Animal::speak;
    let m: &dyn Meter<u32> = d;
    by_trait(d) + default(d) + boxed(d) + m.measure()
}
"#,
    );
    let targets: Vec<(AddressTakenKind, &str)> = graph
        .address_taken
        .iter()
        .filter_map(|a| Some((a.kind, a.target_path.as_deref()?)))
        .collect();
    assert_eq!(
        targets,
        [
            (
                AddressTakenKind::FnPtr,
                "<reify::Dog as reify::Animal>::speak"
            ),
            // Not overridden: the default body is what the pointer calls.
            (AddressTakenKind::FnPtr, "reify::Animal::quiet"),
            (
                AddressTakenKind::Vtable,
                "<reify::Dog as reify::Animal>::speak"
            ),
        ]
    );
    let dyn_tys: Vec<&str> = graph
        .address_taken
        .iter()
        .filter_map(|a| a.dyn_ty.as_deref())
        .collect();
    assert_eq!(
        dyn_tys,
        [
            "dyn for<'a> core::ops::function::Fn(&'a reify::Dog) -> u32",
            "dyn reify::Meter<u32>"
        ]
    );
    let mut impl_traits: Vec<&str> = graph
        .functions
        .iter()
        .filter_map(|f| f.impl_trait.as_deref())
        .collect();
    impl_traits.sort();
    assert_eq!(
        impl_traits,
        ["reify::Animal", "reify::Meter<u32>", "reify::Meter<u64>"]
    );
}
