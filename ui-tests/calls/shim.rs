//@compile-flags: --crate-type=lib
// Call kind `shim`: a trait method whose implementation the compiler generates instead of a
// source impl — `Clone` of tuples and closures (`ShimKind::Clone`). The edge goes to the
// trait method, with the shim instance as detail.
#![no_std]

pub fn clone_tuple(t: &(u32, u64)) -> (u32, u64) {
    t.clone() //~ NOTE: call shim
}

pub fn clone_closure(x: u32) -> u32 {
    let add = move |y: u32| x + y;
    let copy = add.clone(); //~ NOTE: call shim
    copy(1) //~ NOTE: call closure
}
