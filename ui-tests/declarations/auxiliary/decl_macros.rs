//@compile-flags: --crate-type=lib
// Macros for macro_origin.rs, in a crate of their own (ui_test builds it first, as the test
// asks): the declarations they write must name this crate, `decl_macros`.

/// Writes an `unsafe impl` of a marker trait.
#[macro_export]
macro_rules! impl_send {
    ($t:ty) => {
        unsafe impl Send for $t {}
    };
}

/// Writes a whole `unsafe fn`.
#[macro_export]
macro_rules! unsafe_getter {
    ($name:ident) => {
        pub unsafe fn $name(p: *const u32) -> u32 {
            unsafe { *p }
        }
    };
}
