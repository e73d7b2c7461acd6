//@compile-flags: --crate-type=lib
// Call kind `ffi`: calls to functions declared in an `extern` block (foreign items), whether
// `unsafe` or `safe`, with or without `#[link]`. A foreign fn called through a fn pointer is
// `fn_ptr`; a Rust-defined `extern "C" fn` called from Rust is `static`.
#![no_std]

unsafe extern "C" {
    pub fn abs(x: i32) -> i32;
    pub safe fn labs(x: i64) -> i64;
}

#[link(name = "m")]
unsafe extern "C" {
    pub fn cos(x: f64) -> f64;
}

pub extern "C" fn rust_side(x: i32) -> i32 {
    x
}

pub fn unsafe_foreign(x: i32) -> i32 {
    unsafe { abs(x) } //~ NOTE: call ffi
}

pub fn safe_foreign(x: i64) -> i64 {
    labs(x) //~ NOTE: call ffi
}

pub fn linked_foreign(x: f64) -> f64 {
    unsafe { cos(x) } //~ NOTE: call ffi
}

pub fn through_pointer(x: i32) -> i32 {
    let f: unsafe extern "C" fn(i32) -> i32 = abs;
    unsafe { f(x) } //~ NOTE: call fn_ptr
}

pub fn rust_defined_c_abi(x: i32) -> i32 {
    rust_side(x) //~ NOTE: call static
}
