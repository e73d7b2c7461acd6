//@compile-flags: --crate-type=lib
// Call kind `static`: the callee is known at compile time without any trait dispatch — free
// functions, inherent methods and associated fns, generic fns called with concrete types,
// fn items held in a variable, Rust-defined `extern "C"` fns called from Rust, and calls in
// const initialisers. Tuple-struct/variant constructors are NOT calls (MIR aggregates).
#![no_std]

pub struct Counter {
    pub n: u32,
}

impl Counter {
    pub const fn new() -> Counter {
        Counter { n: 0 }
    }

    pub fn bump(&mut self) -> u32 {
        self.n += 1;
        self.n
    }
}

pub struct Meters(pub u32);

pub fn helper(x: u32) -> u32 {
    x
}

pub const fn const_helper(x: u32) -> u32 {
    x
}

pub fn generic_id<T: Copy>(t: T) -> T {
    t
}

pub extern "C" fn c_abi(x: u32) -> u32 {
    x
}

pub fn plain() -> u32 {
    helper(1) //~ NOTE: call static
}

pub fn nested() -> u32 {
    helper(helper(2))
    //~^ NOTE: call static
    //~| NOTE: call static
}

pub fn generic_instantiated() -> u64 {
    generic_id::<u64>(5) //~ NOTE: call static
}

pub fn inherent_methods() -> u32 {
    let mut c = Counter::new(); //~ NOTE: call static
    c.bump() //~ NOTE: call static
}

pub fn core_generic_fn(a: u32, b: u32) -> u32 {
    core::cmp::max(a, b) //~ NOTE: call static
}

pub fn core_inherent_method(x: u32) -> u32 {
    x.rotate_left(3) //~ NOTE: call static
}

pub fn fn_item_in_variable() -> u32 {
    // `f` has the zero-sized fn item type of `helper`, not a fn pointer type.
    let f = helper;
    f(3) //~ NOTE: call static
}

pub fn rust_extern_c() -> u32 {
    // Defined in Rust with the C ABI: an ordinary static call, not FFI.
    c_abi(4) //~ NOTE: call static
}

pub fn constructors() -> Option<Meters> {
    // Constructor "calls" are aggregates in MIR: no call here.
    let m = Meters(5);
    Some(m)
}

pub const LIMIT: u32 = const_helper(64); //~ NOTE: call static
