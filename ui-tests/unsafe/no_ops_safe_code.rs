//@compile-flags: --crate-type=lib
//@check-pass
// Must report NO unsafe op: ordinary safe code — raw pointers that are created, cast and
// compared but never dereferenced, safe std APIs implemented with unsafe code inside std,
// traits, closures, and an `unsafe` keyword nowhere.

use std::cell::Cell;
use std::collections::HashMap;

pub fn pointers(v: &[u32]) -> bool {
    let p: *const u32 = v.as_ptr();
    let q = p.wrapping_add(1);
    let addr = p as usize;
    q > p && addr != 0 && !p.is_null()
}

pub fn std_apis(words: &[&str]) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in words {
        *counts.entry(w).or_default() += 1;
    }
    let mut v: Vec<usize> = counts.into_values().collect();
    v.sort_unstable();
    v.last().copied().unwrap_or(0)
}

pub fn cells(c: &Cell<u32>) -> u32 {
    c.set(c.get() + 1);
    c.replace(0)
}

pub trait Shape {
    fn area(&self) -> f64;
}

pub struct Square(pub f64);

impl Shape for Square {
    fn area(&self) -> f64 {
        self.0 * self.0
    }
}

pub fn total(shapes: &[&dyn Shape]) -> f64 {
    shapes.iter().map(|s| s.area()).sum()
}
