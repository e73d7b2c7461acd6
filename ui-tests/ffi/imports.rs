//@compile-flags: --crate-type=lib
// FFI imports: every call of a foreign fn and every use of an extern static, with the link
// symbol (`#[link_name]` wins over the item's name), the ABI, the item kind, and the native
// library when known (here only through `#[link]`; a build script's `-l` needs cargo). A Rust
// `extern "C" fn` called from Rust is no import.
#![no_std]

unsafe extern "C" {
    pub fn abs(x: i32) -> i32;
    #[link_name = "labs"]
    pub safe fn long_abs(x: i64) -> i64;
    pub static ERRNO_LIKE: i32;
}

#[link(name = "m")]
unsafe extern "C" {
    pub fn cos(x: f64) -> f64;
}

pub extern "C" fn rust_side(x: i32) -> i32 {
    x
}

pub fn unsafe_foreign(x: i32) -> i32 {
    unsafe { abs(x) } //~ NOTE: ffi import fn `abs` ("C")
}

pub fn renamed(x: i64) -> i64 {
    long_abs(x) //~ NOTE: ffi import fn `labs` ("C")
}

pub fn linked(x: f64) -> f64 {
    unsafe { cos(x) } //~ NOTE: ffi import fn `cos` ("C", library `m` by link_attr)
}

pub fn read_static() -> i32 {
    unsafe { ERRNO_LIKE } //~ NOTE: ffi import static `ERRNO_LIKE` ("C")
}

pub fn rust_defined_c_abi(x: i32) -> i32 {
    rust_side(x)
}
