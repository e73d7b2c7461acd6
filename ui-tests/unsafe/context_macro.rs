//@compile-flags: --crate-type=lib
// Unsafe ops produced by `macro_rules!` expansion (macros in auxiliary/unsafe_macros.rs). A
// correct analysis records the op's span inside the macro, the macro's name (`read_raw!`,
// `twice!`, `outer!`...) and the call site here, where the annotations sit. The context of
// `with_block!`'s op is the caller's own unsafe block; the others' is the macro's block.
#[macro_use]
#[path = "auxiliary/unsafe_macros.rs"]
mod unsafe_macros;

pub fn from_macro(p: *const u32) -> u32 {
    read_raw!(p) //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn caller_block(p: *const u32) -> u32 {
    with_block!(unsafe { *p }) //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn two_ops(p: *const u32) -> u32 {
    twice!(p)
    //~^ NOTE: unsafe op `deref_raw_pointer`
    //~| NOTE: unsafe op `deref_raw_pointer`
}

pub fn nested_macro(p: *const u32) -> u32 {
    outer!(p) //~ NOTE: unsafe op `deref_raw_pointer`
}
