//@compile-flags: --crate-type=lib
//@aux-build: decl_macros.rs
// Who wrote each declaration: the user (no `macro`), a macro of this crate (in
// auxiliary/local_macros.rs, a module of this crate), a macro of another crate (`decl_macros`,
// auxiliary/decl_macros.rs, built as its own crate) or a derive. Only the last three say `from`
// the outermost macro, as invoked (`decl_macros::impl_send!`), and the crate defining it.
#[macro_use]
#[path = "auxiliary/local_macros.rs"]
mod local_macros;

pub struct Handwritten(*const u8);
unsafe impl Send for Handwritten {} //~ NOTE: declaration `unsafe_impl`: core::marker::Send

pub unsafe fn handwritten(p: *const u32) -> u32 { //~ NOTE: declaration `unsafe_fn`: fn
    unsafe { *p }
}

pub struct Local(*const u8);
local_impl_sync!(Local); //~ NOTE: declaration `unsafe_impl`: core::marker::Sync (from `local_impl_sync!` of `macro_origin`)

pub struct Foreign(*const u8);
decl_macros::impl_send!(Foreign); //~ NOTE: declaration `unsafe_impl`: core::marker::Send (from `decl_macros::impl_send!` of `decl_macros`)

decl_macros::unsafe_getter!(getter); //~ NOTE: declaration `unsafe_fn`: fn (from `decl_macros::unsafe_getter!` of `decl_macros`)

#[derive(Clone, Copy)] //~ NOTE: declaration `unsafe_impl`: core::clone::TrivialClone (from `derive(Clone)` of `core`)
pub struct Derived(u32);
