//@compile-flags: --crate-type=lib
// Unsafe op kind `unsafe_binder_cast` (nightly `unsafe_binders`): wrapping a value into an
// `unsafe<'a> T` binder type and unwrapping it again, with `core::unsafe_binder::wrap_binder!`
// and `unwrap_binder!` (builtin syntax behind a macro: reported at the macro call line).
#![feature(unsafe_binders)]
#![allow(incomplete_features)]

use core::unsafe_binder::{unwrap_binder, wrap_binder};

pub type AnyRef = unsafe<'a> &'a u32;

pub fn erase(x: &u32) -> AnyRef {
    unsafe { wrap_binder!(x) } //~ NOTE: unsafe op `unsafe_binder_cast`
}

pub fn erase_ascribed(x: &u32) -> AnyRef {
    unsafe { wrap_binder!(x; AnyRef) } //~ NOTE: unsafe op `unsafe_binder_cast`
}

pub fn restore(b: AnyRef) -> u32 {
    unsafe { *unwrap_binder!(b) } //~ NOTE: unsafe op `unsafe_binder_cast`
}
