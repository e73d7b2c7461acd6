//@compile-flags: --crate-type=lib
// Unsafe op kind `call_target_feature_fn` (x86_64): calling a *safe* `#[target_feature]`
// function from a function that does not enable all of its features. Calls from a function
// with the same features are safe (see no_ops_target_feature_ok.rs). An `unsafe fn` with
// `#[target_feature]` is reported as a plain `call_unsafe_fn`.

#[target_feature(enable = "avx2")]
pub fn wide_sum(a: u64, b: u64) -> u64 {
    a.wrapping_add(b)
}

#[target_feature(enable = "avx2", enable = "bmi2")]
pub fn two_features(a: u64) -> u64 {
    a
}

#[target_feature(enable = "avx2")]
pub unsafe fn unsafe_wide(a: u64) -> u64 {
    a
}

pub fn plain_caller(a: u64) -> u64 {
    unsafe { wide_sum(a, 1) } //~ NOTE: unsafe op `call_target_feature_fn`
}

#[target_feature(enable = "sse4.1")]
pub fn other_feature_caller(a: u64) -> u64 {
    // Has a feature, but not the one the callee needs.
    unsafe { wide_sum(a, 2) } //~ NOTE: unsafe op `call_target_feature_fn`
}

#[target_feature(enable = "avx2")]
pub fn partial_features(a: u64) -> u64 {
    // Has avx2 but lacks bmi2.
    unsafe { two_features(a) } //~ NOTE: unsafe op `call_target_feature_fn`
}

pub fn unsafe_tf_caller(a: u64) -> u64 {
    unsafe { unsafe_wide(a) } //~ NOTE: unsafe op `call_unsafe_fn`
}

pub fn in_closure(a: u64) -> u64 {
    // A closure is checked with its enclosing fn's target features: none here.
    let f = |x: u64| unsafe { wide_sum(x, 3) }; //~ NOTE: unsafe op `call_target_feature_fn`
    f(a)
}
