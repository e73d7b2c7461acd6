//@compile-flags: --crate-type=lib
// Unsafe op kind `use_extern_static`: reads of an immutable static declared in an
// `unsafe extern` block. A `safe static` there needs no unsafe, and an extern `static mut`
// is reported as `use_static_mut` (rustc checks mutability first).

unsafe extern "C" {
    pub static environ: *const *const u8;
    pub safe static timezone: i64;
    pub static mut daylight: i32;
}

pub fn env_head() -> *const *const u8 {
    unsafe { environ } //~ NOTE: unsafe op `use_extern_static`
}

pub fn env_is_null() -> bool {
    unsafe { environ.is_null() } //~ NOTE: unsafe op `use_extern_static`
}

pub fn tz() -> i64 {
    // `safe static`: no unsafe op.
    timezone
}

pub fn dst() -> i32 {
    unsafe { daylight } //~ NOTE: unsafe op `use_static_mut`
}
