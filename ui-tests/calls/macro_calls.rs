//@compile-flags: --crate-type=lib
// Calls that come out of a `macro_rules!` expansion are recorded like any other, at their span
// inside the macro (as rustc reports spans; `macro.call_site` has the invocation). For a macro
// defined in the same file and expanded once, ui_test places the note on the definition line.
#![no_std]

pub fn log(x: u32) -> u32 {
    x
}

macro_rules! logged {
    ($e:expr) => {
        log($e) //~ NOTE: call static
    };
}

pub fn user() -> u32 {
    logged!(1)
}
