//@compile-flags: --crate-type=lib
//@check-pass
// Must report NO unsafe op. `*boxed` dereferences a Box — a built-in, safe deref (in MIR it
// is a deref of the Box's inner raw pointer, but it is not a raw-pointer deref in the source).
// Derefs of references and `Deref` impls are safe too.

pub struct Wrapper(pub u32);

impl core::ops::Deref for Wrapper {
    type Target = u32;
    fn deref(&self) -> &u32 {
        &self.0
    }
}

pub fn unbox(b: Box<u32>) -> u32 {
    *b
}

pub fn write_through_box(b: &mut Box<u32>) {
    **b = 5;
}

pub fn move_out(b: Box<String>) -> String {
    *b
}

pub fn deref_ref(r: &u32) -> u32 {
    *r
}

pub fn deref_impl(w: &Wrapper) -> u32 {
    **w
}
