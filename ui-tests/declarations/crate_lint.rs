//@compile-flags: --crate-type=lib
// Declaration kind `crate_lint`: a crate-level `forbid` or `deny` of `unsafe_code`, at the
// attribute. (An `allow` or `warn`, or the lint on an item, is not a declaration.)
#![forbid(unsafe_code)] //~ NOTE: declaration `crate_lint`: forbid(unsafe_code)

#[allow(unused)]
pub fn safe() {}
