//@compile-flags: --crate-type=lib
// Call kind `closure`: a closure called directly where its type is known, so the call resolves
// to the closure body — Fn, FnMut and FnOnce closures, an immediately invoked closure, a
// closure calling another closure. Passing a closure to a generic fn is a `static` call of
// that fn; inside it, `f(x)` on the type parameter is `trait_generic`.
#![no_std]

pub struct Token(pub u32);

pub fn apply<F: Fn(u32) -> u32>(f: &F, x: u32) -> u32 {
    f(x) //~ NOTE: call trait_generic
}

pub fn local_fn() -> u32 {
    let add_one = |x: u32| x + 1;
    add_one(2) //~ NOTE: call closure
}

pub fn local_fnmut() -> u32 {
    let mut total = 0;
    let mut add = |x: u32| total += x;
    add(1); //~ NOTE: call closure
    add(2); //~ NOTE: call closure
    total
}

pub fn local_fnonce() -> u32 {
    let t = Token(3);
    let take = move || t;
    take().0 //~ NOTE: call closure
}

pub fn immediately_invoked() -> u32 {
    (|x: u32| x + 3)(4) //~ NOTE: call closure
}

pub fn closure_calls_closure() -> u32 {
    let inner = |x: u32| x + 1;
    let outer = |x: u32| inner(x) * 2; //~ NOTE: call closure
    outer(5) //~ NOTE: call closure
}

pub fn passed_to_generic() -> u32 {
    let double = |x: u32| x * 2;
    apply(&double, 21) //~ NOTE: call static
}

pub fn passed_to_core(o: Option<u32>) -> Option<u32> {
    o.map(|x| x + 1) //~ NOTE: call static
}
