//@compile-flags: --crate-type=lib
// FFI exports: fns and statics with a C symbol (`#[no_mangle]`, `#[export_name]`), with the
// symbol and the ABI (`static` for statics), at the item's signature. An `extern "C" fn`
// without either keeps a mangled name and is not exported.
#![no_std]

#[unsafe(no_mangle)]
pub extern "C" fn painter_add(a: i32, b: i32) -> i32 { //~ NOTE: ffi export `painter_add` ("C")
    a + b
}

#[unsafe(export_name = "painter_sub")]
pub extern "C" fn sub(a: i32, b: i32) -> i32 { //~ NOTE: ffi export `painter_sub` ("C")
    a - b
}

#[unsafe(no_mangle)]
pub fn painter_rust_abi() {} //~ NOTE: ffi export `painter_rust_abi` ("Rust")

#[unsafe(no_mangle)]
pub static PAINTER_LIMIT: u32 = 4; //~ NOTE: ffi export `PAINTER_LIMIT` ("static")

pub extern "C" fn mangled(a: i32) -> i32 {
    a
}
