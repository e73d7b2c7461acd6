//@compile-flags: --crate-type=lib
// Call kind `trait_generic`: a trait method called on a type parameter (or `Self` in a default
// method), which stays unresolved in the generic body — bounds, where-clauses, `impl Trait`
// arguments, associated fns, `Fn`/`FnMut` calls on a closure type parameter, std traits and
// operators on `T`. Candidates are only known per instantiation (the linker marks them).
#![no_std]

use core::ops::Add;

pub trait Speak {
    fn speak(&self) -> u32;
    fn make() -> Self;
}

pub trait Loud: Speak {
    fn shout(&self) -> u32 {
        self.speak() //~ NOTE: call trait_generic
    }
}

pub fn by_bound<T: Speak>(t: &T) -> u32 {
    t.speak() //~ NOTE: call trait_generic
}

pub fn by_where_clause<T>(t: &T) -> u32
where
    T: Speak,
{
    T::speak(t) //~ NOTE: call trait_generic
}

pub fn impl_trait_arg(t: &impl Speak) -> u32 {
    t.speak() //~ NOTE: call trait_generic
}

pub fn assoc_fn<T: Speak + Copy>() -> T {
    T::make() //~ NOTE: call trait_generic
}

pub fn fn_param<F: Fn(u32) -> u32>(f: &F, x: u32) -> u32 {
    f(x) //~ NOTE: call trait_generic
}

pub fn fnmut_param<F: FnMut() -> u32>(f: &mut F) -> u32 {
    f() //~ NOTE: call trait_generic
}

pub fn std_trait<T: Clone + Copy>(t: &T) -> T {
    t.clone() //~ NOTE: call trait_generic
}

pub fn operator<T: Add<Output = T> + Copy>(a: T, b: T) -> T {
    a + b //~ NOTE: call trait_generic
}
