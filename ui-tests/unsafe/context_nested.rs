//@compile-flags: --crate-type=lib
// Unsafe contexts that nest: an unsafe block inside another (the innermost block is the
// context), closures and async blocks inside an unsafe block (they inherit it — each op is
// in the closure/coroutine body but allowed by the outer block), inline `const {}` blocks
// (likewise), and an unsafe block inside a closure of a safe fn.
#![allow(unused_unsafe)]

pub const unsafe fn konst() -> u32 {
    7
}

pub fn nested_blocks(p: *const u32, q: *const u32) -> u32 {
    unsafe {
        let a = *p; //~ NOTE: unsafe op `deref_raw_pointer`
        let b = unsafe { *q }; //~ NOTE: unsafe op `deref_raw_pointer`
        a.wrapping_add(b)
    }
}

pub fn closure_in_block(p: *const u32) -> u32 {
    unsafe {
        let f = || *p; //~ NOTE: unsafe op `deref_raw_pointer`
        f()
    }
}

pub fn closure_in_closure(p: *const u32) -> u32 {
    unsafe {
        let outer = || {
            let inner = move || *p; //~ NOTE: unsafe op `deref_raw_pointer`
            inner()
        };
        outer()
    }
}

pub fn async_in_block(p: *const u32) -> impl Future<Output = u32> {
    unsafe {
        async move {
            *p //~ NOTE: unsafe op `deref_raw_pointer`
        }
    }
}

pub fn const_in_block() -> u32 {
    unsafe { const { konst() } } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn const_with_own_block() -> u32 {
    const { unsafe { konst() } } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn block_in_closure(p: *const u32) -> u32 {
    let f = || unsafe { *p }; //~ NOTE: unsafe op `deref_raw_pointer`
    f()
}

pub async fn block_in_async_fn(p: *const u32) -> u32 {
    unsafe { *p } //~ NOTE: unsafe op `deref_raw_pointer`
}
