//@compile-flags: --crate-type=lib
// Call kind `dyn`: calls through a trait object's vtable — methods, supertrait methods via a
// subtrait object, and `dyn Fn`/`dyn FnMut` closure calls. Candidates are every impl of the
// trait (the linker marks them). Indexing a slice of trait objects is built-in (no call).
#![no_std]

pub trait Speak {
    fn speak(&self) -> u32;
}

pub trait Loud: Speak {
    fn volume(&self) -> u32;
}

pub fn method(s: &dyn Speak) -> u32 {
    s.speak() //~ NOTE: call dyn
}

pub fn supertrait_method(l: &dyn Loud) -> u32 {
    l.speak() //~ NOTE: call dyn
}

pub fn two_on_a_line(l: &dyn Loud) -> u32 {
    l.volume() ^ l.speak()
    //~^ NOTE: call dyn
    //~| NOTE: call dyn
}

pub fn dyn_fn(f: &dyn Fn(u32) -> u32) -> u32 {
    f(1) //~ NOTE: call dyn
}

pub fn dyn_fnmut(f: &mut dyn FnMut() -> u32) -> u32 {
    f() //~ NOTE: call dyn
}

pub fn first_of_slice(items: &[&dyn Speak]) -> u32 {
    items[0].speak() //~ NOTE: call dyn
}

// Through a reference to a `&dyn Fn`: type-wise a call of std's forwarding
// `impl Fn for &F`, recorded as the virtual call that impl makes.
pub fn ref_to_dyn_fn(hooks: &[&dyn Fn(u32) -> u32]) -> u32 {
    let hook = &hooks[0];
    hook(3) //~ NOTE: call dyn
}
