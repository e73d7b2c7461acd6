// Macros of the crate under test for macro_origin.rs, included there as a module (not a test
// itself: ui_test skips `auxiliary/` directories). A file of their own, so that ui_test puts a
// note inside them at the call site in the test file (see ui-tests/README.md, "Which line").

/// Writes an `unsafe impl` of a marker trait.
macro_rules! local_impl_sync {
    ($t:ty) => {
        unsafe impl Sync for $t {}
    };
}
