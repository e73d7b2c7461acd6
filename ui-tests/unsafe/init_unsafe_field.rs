//@compile-flags: --crate-type=lib
// Unsafe op kind `init_unsafe_field` (rustc: `InitializingTypeWithUnsafeField`, nightly
// `unsafe_fields`): constructing a struct or enum variant that has an `unsafe` field. The
// op's span is the whole struct expression.
#![feature(unsafe_fields)]
#![allow(incomplete_features)]

pub struct Buf {
    pub unsafe len: u32,
    pub cap: u32,
}

pub enum Slot {
    Empty,
    Full { unsafe index: u32 },
}

pub struct Plain {
    pub cap: u32,
}

pub fn new_buf(cap: u32) -> Buf {
    unsafe { Buf { len: 0, cap } } //~ NOTE: unsafe op `init_unsafe_field`
}

pub fn full(i: u32) -> Slot {
    unsafe { Slot::Full { index: i } } //~ NOTE: unsafe op `init_unsafe_field`
}

pub fn empty() -> Slot {
    // A variant without unsafe fields is free.
    Slot::Empty
}

pub fn plain(cap: u32) -> Plain {
    Plain { cap }
}

pub fn multi_line(cap: u32) -> Buf {
    unsafe {
        Buf { //~ NOTE: unsafe op `init_unsafe_field`
            len: 0,
            cap,
        }
    }
}
