//@compile-flags: --crate-type=lib
// Calls inside async fns and async blocks: the body is a coroutine, its calls are recorded in
// it (the coroutine's own function), with the same kinds as anywhere else.
#![no_std]

pub fn helper(x: u32) -> u32 {
    x + 1
}

pub async fn compute(x: u32) -> u32 {
    helper(x) //~ NOTE: call static
}

pub fn block(x: u32) -> impl core::future::Future<Output = u32> {
    async move { helper(x) } //~ NOTE: call static
}
