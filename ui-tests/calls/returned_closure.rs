//@compile-flags: --crate-type=lib
// A closure returned from a function and called by the caller: the call site sees an opaque
// `impl Fn` whose concrete type the compiler knows after analysis, so the call resolves to the
// closure's body (`closure`), not to a generic `Fn::call`.
#![no_std]

pub fn adder(n: u32) -> impl Fn(u32) -> u32 {
    move |x| x + n
}

pub fn use_it() -> u32 {
    let add = adder(2); //~ NOTE: call static
    add(3) //~ NOTE: call closure
}
