//@compile-flags: --crate-type=lib
//@check-pass
// Must report NO unsafe op (x86_64). A `#[target_feature]` fn may call another safe
// `#[target_feature]` fn whose features it enables (a superset is fine too), and closures
// inside it inherit its features. Declaring/coercing such fns is not an op either.

#[target_feature(enable = "avx2")]
pub fn leaf(a: u64) -> u64 {
    a.rotate_left(3)
}

#[target_feature(enable = "avx2")]
pub fn same_feature(a: u64) -> u64 {
    leaf(a)
}

#[target_feature(enable = "avx2", enable = "bmi2")]
pub fn superset(a: u64) -> u64 {
    leaf(a)
}

#[target_feature(enable = "avx2")]
pub fn closure_inherits(a: u64) -> u64 {
    let f = |x: u64| leaf(x);
    f(a)
}
