//@compile-flags: --crate-type=lib
// FFI callbacks: a Rust fn turned into a fn pointer of a non-Rust ABI (a candidate to be
// called from C), at the coercion. A Rust-ABI fn pointer is no callback.
#![no_std]

pub extern "C" fn on_event(x: i32) -> i32 {
    x
}

fn plain(x: i32) -> i32 {
    x
}

pub fn register(cb: extern "C" fn(i32) -> i32) -> i32 {
    cb(1)
}

pub fn hand_out() -> i32 {
    register(on_event) //~ NOTE: ffi callback `callbacks::on_event` ("C")
}

pub fn stored() -> extern "C" fn(i32) -> i32 {
    let cb: extern "C" fn(i32) -> i32 = on_event; //~ NOTE: ffi callback `callbacks::on_event` ("C")
    cb
}

pub fn rust_pointer() -> fn(i32) -> i32 {
    plain
}
