//@compile-flags: --crate-type=lib
// Unsafe ops in const contexts: const and static initialisers, const fns, array lengths and
// repeat counts are bodies like any other, checked with the same rules (reading an immutable
// static through a raw pointer is allowed in const evaluation since Rust 1.83).

pub static X: u32 = 5;

pub const fn read(p: *const u32) -> u32 {
    unsafe { *p } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub const C: u32 = unsafe { *(&raw const X) }; //~ NOTE: unsafe op `deref_raw_pointer`

pub const unsafe fn two() -> usize {
    2
}

pub static ARR: [u8; unsafe { two() }] = [0; unsafe { two() }];
//~^ NOTE: unsafe op `call_unsafe_fn`
//~| NOTE: unsafe op `call_unsafe_fn`

pub fn in_inline_const() -> usize {
    const { unsafe { two() } } //~ NOTE: unsafe op `call_unsafe_fn`
}
