//@compile-flags: --crate-type=lib
// Unsafe context "unsafe fn body": with `unsafe_op_in_unsafe_fn` allowed, ops written directly
// in an `unsafe fn` body need no block; their context is the enclosing unsafe fn. An explicit
// block inside an unsafe fn is still a block context, and closures inherit the fn's context.
#![allow(unsafe_op_in_unsafe_fn)]

pub static mut HITS: u32 = 0;

pub union Bits {
    pub u: u32,
    pub f: f32,
}

pub unsafe fn helper(p: *const u32) -> u32 {
    *p //~ NOTE: unsafe op `deref_raw_pointer`
}

pub unsafe fn body_ops(p: *const u32, b: Bits) -> u32 {
    HITS += 1; //~ NOTE: unsafe op `use_static_mut`
    let x = helper(p); //~ NOTE: unsafe op `call_unsafe_fn`
    let y = b.u; //~ NOTE: unsafe op `access_union_field`
    x ^ y
}

pub unsafe fn with_explicit_block(p: *mut u32) {
    // Context: the unsafe block (not the fn) — it is innermost.
    unsafe { *p = 0 } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub unsafe fn closure_inherits(p: *const u32) -> u32 {
    let read = || *p; //~ NOTE: unsafe op `deref_raw_pointer`
    read()
}

pub struct Cursor {
    pub ptr: *const u8,
}

impl Cursor {
    pub unsafe fn peek(&self) -> u8 {
        *self.ptr //~ NOTE: unsafe op `deref_raw_pointer`
    }
}

pub unsafe trait Zeroable {
    unsafe fn zeroed_at(p: *mut Self);
}

unsafe impl Zeroable for u32 {
    unsafe fn zeroed_at(p: *mut u32) {
        *p = 0; //~ NOTE: unsafe op `deref_raw_pointer`
    }
}
