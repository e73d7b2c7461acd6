//@compile-flags: --crate-type=lib
// Unsafe op kind `use_unsafe_field` (nightly `unsafe_fields`): any read, write, borrow or
// pattern binding of a field declared `unsafe`. Building a value with such a field is a
// different op (`init_unsafe_field`, see init_unsafe_field.rs); safe fields are free.
#![feature(unsafe_fields)]
#![allow(incomplete_features)]

pub struct Buf {
    /// Invariant: `len <= cap`.
    pub unsafe len: u32,
    pub cap: u32,
}

pub fn len(b: &Buf) -> u32 {
    unsafe { b.len } //~ NOTE: unsafe op `use_unsafe_field`
}

pub fn cap(b: &Buf) -> u32 {
    b.cap
}

pub fn set_len(b: &mut Buf, n: u32) {
    // Writes are ops too (unlike union fields).
    unsafe { b.len = n } //~ NOTE: unsafe op `use_unsafe_field`
}

pub fn len_ref(b: &Buf) -> &u32 {
    unsafe { &b.len } //~ NOTE: unsafe op `use_unsafe_field`
}

pub fn destructure(b: &Buf) -> u32 {
    // The op is at the sub-pattern naming the unsafe field.
    let n = unsafe {
        let Buf { len, cap: _ } = b; //~ NOTE: unsafe op `use_unsafe_field`
        *len
    };
    n
}
