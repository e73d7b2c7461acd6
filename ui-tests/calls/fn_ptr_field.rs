//@compile-flags: --crate-type=lib
// A function pointer stored in a struct field and called through it: `fn_ptr`, with the
// signature; the function put in the field is address-taken (a candidate for that call).
#![no_std]

pub struct Hook {
    pub apply: fn(u32) -> u32,
}

fn double(x: u32) -> u32 {
    x * 2
}

pub fn make() -> Hook {
    Hook { apply: double }
}

pub fn run(h: &Hook) -> u32 {
    (h.apply)(3) //~ NOTE: call fn_ptr
}
