//@compile-flags: --crate-type=lib
// Call kind `trait_resolved`: a trait method whose impl is known at the call site — methods,
// associated fns, default methods, UFCS, std traits on concrete types, and overloaded
// operators (`+`, `-`, `==`, `[]`, `*`) on types with user impls. Also a call in a generic
// fn that still resolves because the only candidate is a blanket-free impl for `Holder<T>`.
// Operators on primitives (`a + b` on u32) are NOT calls.
#![no_std]

use core::marker::PhantomData;
use core::ops::{Add, Deref, Index, Neg};

pub trait Shape {
    fn area(&self) -> u32;
    fn sides(&self) -> u32 {
        4
    }
    fn unit() -> Self;
}

pub struct Square(pub u32);

impl Shape for Square {
    fn area(&self) -> u32 {
        self.0 * self.0
    }
    fn unit() -> Square {
        Square(1)
    }
}

pub struct Holder<T>(pub PhantomData<T>);

impl<T> Shape for Holder<T> {
    fn area(&self) -> u32 {
        0
    }
    fn unit() -> Holder<T> {
        Holder(PhantomData)
    }
}

pub struct V2(pub i32, pub i32);

impl Add for V2 {
    type Output = V2;
    fn add(self, o: V2) -> V2 {
        V2(self.0 + o.0, self.1 + o.1)
    }
}

impl Neg for V2 {
    type Output = V2;
    fn neg(self) -> V2 {
        V2(-self.0, -self.1)
    }
}

impl PartialEq for V2 {
    fn eq(&self, o: &V2) -> bool {
        self.0 == o.0 && self.1 == o.1
    }
}

pub struct Table(pub [u32; 4]);

impl Index<usize> for Table {
    type Output = u32;
    fn index(&self, i: usize) -> &u32 {
        &self.0[i]
    }
}

pub struct Boxed(pub u32);

impl Deref for Boxed {
    type Target = u32;
    fn deref(&self) -> &u32 {
        &self.0
    }
}

pub fn method(s: &Square) -> u32 {
    s.area() //~ NOTE: call trait_resolved
}

pub fn default_method(s: &Square) -> u32 {
    // Resolves to the trait's default body, instantiated for Square.
    s.sides() //~ NOTE: call trait_resolved
}

pub fn assoc_fn() -> Square {
    Square::unit() //~ NOTE: call trait_resolved
}

pub fn ufcs(s: &Square) -> u32 {
    <Square as Shape>::area(s) //~ NOTE: call trait_resolved
}

pub fn std_traits(x: u32) -> u32 {
    let d = u32::default(); //~ NOTE: call trait_resolved
    x.clone() | d //~ NOTE: call trait_resolved
}

pub fn operators(a: V2, b: V2) -> V2 {
    -(a + b)
    //~^ NOTE: call trait_resolved
    //~| NOTE: call trait_resolved
}

pub fn equality(a: &V2, b: &V2) -> bool {
    *a == *b //~ NOTE: call trait_resolved
}

pub fn equality_of_refs(a: &V2, b: &V2) -> bool {
    // Resolves to core's `impl PartialEq<&B> for &A`, which then calls `<V2 as PartialEq>::eq`.
    a == b //~ NOTE: call trait_resolved
}

pub fn index(t: &Table, i: usize) -> u32 {
    t[i] //~ NOTE: call trait_resolved
}

pub fn overloaded_deref(b: &Boxed) -> u32 {
    **b //~ NOTE: call trait_resolved
}

pub fn primitive_ops(a: u32, b: u32) -> bool {
    // Built-in operators: no calls.
    a + b > a * b
}

pub fn resolvable_in_generic<T>(h: &Holder<T>) -> u32 {
    h.area() //~ NOTE: call trait_resolved
}
