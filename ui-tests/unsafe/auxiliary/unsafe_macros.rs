// Macros for context_macro.rs (not a test itself: ui_test skips `auxiliary/` directories).
// They live in their own file so that a diagnostic inside them is attributed to the call
// site in the test file, whichever span (op or call site) the tool reports.

/// The unsafe block AND the deref come from the macro.
macro_rules! read_raw {
    ($p:expr) => {
        unsafe { *$p }
    };
}

/// The unsafe block is the caller's; the macro only passes it through.
macro_rules! with_block {
    ($e:expr) => {
        $e
    };
}

/// One call site, two ops.
macro_rules! twice {
    ($p:expr) => {
        unsafe { *$p + *$p }
    };
}

/// Nested expansion: `outer!` expands to `read_raw!`.
macro_rules! outer {
    ($p:expr) => {
        read_raw!($p)
    };
}
