//! painter-driver: a rustc that also analyses what it compiles. Cargo runs it as
//! `RUSTC_WRAPPER`; it behaves exactly like rustc, and for every real crate it records unsafe
//! operations, calls and FFI edges into a per-crate graph file next to the crate's metadata.
#![feature(rustc_private, deref_patterns)]
#![allow(incomplete_features)]

extern crate rustc_abi;
extern crate rustc_ast;
extern crate rustc_attr_ir;
extern crate rustc_data_structures;
extern crate rustc_driver;
extern crate rustc_errors;
extern crate rustc_hir;
extern crate rustc_index;
extern crate rustc_interface;
extern crate rustc_lint;
extern crate rustc_middle;
extern crate rustc_session;
extern crate rustc_span;

// jemalloc as rustc itself uses it: ~10% faster than the system allocator (docs/design.md#toolchain).
rustc_driver::override_c_allocator_in_binary!();

mod callbacks;
mod collect;
mod invocation;
mod output;
mod reuse;
mod state;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let invocation = invocation::classify(args);
    match invocation {
        // Version queries, `--print` and stdin probes are answered by the very compiler we link
        // (not by whatever `rustc` is on PATH), so cargo's view of the compiler is exact.
        invocation::Invocation::PassThrough { args } => {
            rustc_driver::install_ice_hook(rustc_driver::DEFAULT_BUG_REPORT_URL, |_| ());
            rustc_driver::catch_with_exit_code(|| {
                rustc_driver::compiler_entrypoint(&args, &mut callbacks::PlainRustc)
            })
        }
        invocation::Invocation::Compile { args, config } => {
            rustc_driver::install_ice_hook(rustc_driver::DEFAULT_BUG_REPORT_URL, |_| ());
            state::install_panic_hook();
            let mut callbacks = callbacks::PainterCallbacks::new(config);
            let code = rustc_driver::catch_with_exit_code(|| {
                rustc_driver::compiler_entrypoint(&args, &mut callbacks)
            });
            output::wait_for_output();
            code
        }
    }
}
