//@compile-flags: --crate-type=lib
// Call kind `fn_ptr`: calls through a value of fn-pointer type — a parameter, a struct field
// (plugin table), a coerced closure, a C-ABI pointer, an unsafe fn pointer. Contrast: calling
// a local holding a fn *item* (`let f = double;`) is `static`. A pointer that a local flow
// fixes (a local assigned once from a reified fn item or closure) names its pointee as callee.
#![no_std]

pub struct Plugin {
    pub name: &'static str,
    pub run: fn(u32) -> u32,
}

pub fn double(x: u32) -> u32 {
    x * 2
}

pub fn param(f: fn(u32) -> u32) -> u32 {
    f(1) //~ NOTE: call fn_ptr
}

pub fn struct_field(p: &Plugin) -> u32 {
    (p.run)(2) //~ NOTE: call fn_ptr
}

pub fn coerced_item() -> u32 {
    let f: fn(u32) -> u32 = double;
    f(3) //~ NOTE: call fn_ptr
}

pub fn fn_item_stays_static() -> u32 {
    let f = double;
    f(4) //~ NOTE: call static
}

pub fn coerced_closure() -> u32 {
    let f: fn(u32) -> u32 = |x| x + 1;
    f(5) //~ NOTE: call fn_ptr
}

pub fn c_abi_pointer(f: extern "C" fn(u32) -> u32) -> u32 {
    f(6) //~ NOTE: call fn_ptr
}

pub fn unsafe_pointer(f: unsafe fn(u32) -> u32) -> u32 {
    unsafe { f(7) } //~ NOTE: call fn_ptr
}

pub fn table(plugins: &[Plugin; 2]) -> u32 {
    (plugins[0].run)(8) + (plugins[1].run)(9)
    //~^ NOTE: call fn_ptr
    //~| NOTE: call fn_ptr
}
