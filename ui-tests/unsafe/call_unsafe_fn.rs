//@compile-flags: --crate-type=lib
// Unsafe op kind `call_unsafe_fn`: calls to unsafe functions of every flavour — an own
// `unsafe fn`, a std unsafe method, an unsafe trait method, an unsafe fn pointer, a foreign
// fn, and a function that is only unsafe since edition 2024 (`std::env::set_var`).
// The op's span is the whole call expression, so it starts on the line of the callee.

pub unsafe fn dangerous(x: u32) -> u32 {
    x
}

pub unsafe trait RawSource {
    unsafe fn raw(&self) -> u32;
}

unsafe extern "C" {
    pub fn abs(x: i32) -> i32;
    // A `safe` item of an `unsafe extern` block: calling it is NOT an unsafe op.
    pub safe fn labs(x: i64) -> i64;
}

pub fn own_fn(x: u32) -> u32 {
    unsafe { dangerous(x) } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn nested_calls(x: u32) -> u32 {
    // Two calls start on this line: the outer and the inner one.
    unsafe { dangerous(dangerous(x)) }
    //~^ NOTE: unsafe op `call_unsafe_fn`
    //~| NOTE: unsafe op `call_unsafe_fn`
}

pub fn std_method(v: &[u32]) -> u32 {
    // `get_unchecked` is the unsafe call; `*` derefs a reference, which is safe.
    unsafe { *v.get_unchecked(0) } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn std_fn(bytes: &[u8]) -> &str {
    unsafe { core::str::from_utf8_unchecked(bytes) } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn trait_method<T: RawSource>(t: &T) -> u32 {
    unsafe { t.raw() } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn fn_pointer(f: unsafe fn(u32) -> u32) -> u32 {
    unsafe { f(7) } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn foreign(x: i32) -> i32 {
    unsafe { abs(x) } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn foreign_safe(x: i64) -> i64 {
    labs(x)
}

pub fn edition_2024_unsafe() {
    unsafe { std::env::set_var("PAINTER_UI", "1") } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn multi_line(x: u32) -> u32 {
    unsafe {
        dangerous( //~ NOTE: unsafe op `call_unsafe_fn`
            x,
        )
    }
}
