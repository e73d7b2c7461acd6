//@compile-flags: --crate-type=lib
//@edition:2021
// Context `deprecated_safe`: before edition 2024, `std::env::set_var` and `remove_var` are
// unsafe fns the checker lets through in safe code (with a lint). They are the one kind of op
// a safe body without any unsafe block can hold, directly or in a closure or async block, so
// the driver must not skip such bodies.
#![allow(deprecated_safe_2024)]

pub fn configure() {
    std::env::set_var("PAINTER_UI", "1"); //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn in_closure() -> impl Fn() {
    || std::env::remove_var("PAINTER_UI") //~ NOTE: unsafe op `call_unsafe_fn`
}

pub async fn in_async() {
    std::env::set_var("PAINTER_UI", "2"); //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn nothing_to_record(x: u32) -> u32 {
    let add = |y: u32| y + x;
    add(const { 1 + 1 })
}
