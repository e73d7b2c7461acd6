//@compile-flags: --crate-type=lib
// Unsafe op kind `deref_raw_pointer`: every dereference of a `*const`/`*mut` that is not
// directly under a raw borrow (`&raw const *p` is safe — see no_ops_raw_borrow.rs).

pub struct Pair {
    pub a: u32,
    pub b: u32,
}

impl Pair {
    pub fn sum(&self) -> u32 {
        self.a.wrapping_add(self.b)
    }
}

pub fn read(p: *const u32) -> u32 {
    unsafe { *p } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn write(p: *mut u32) {
    unsafe { *p = 1 } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn compound_assign(p: *mut u32) {
    unsafe { *p += 1 } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn field(p: *const Pair) -> u32 {
    unsafe { (*p).b } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn method_on_pointee(p: *const Pair) -> u32 {
    unsafe { (*p).sum() } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn reborrow<'a>(p: *mut u32) -> &'a mut u32 {
    // A reference (not raw) borrow of `*p` is a real deref.
    unsafe { &mut *p } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn raw_borrow_of_field(p: *const Pair) -> *const u32 {
    // Unlike `&raw const *p`, projecting a field through `*p` under a raw borrow IS unsafe:
    // only a deref *directly* under `&raw` is exempt.
    unsafe { &raw const (*p).b } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn addr_of_field(p: *const Pair) -> *const u32 {
    // Same as above through the `addr_of!` macro: the op is reported at the macro call line.
    unsafe { core::ptr::addr_of!((*p).a) } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn double(pp: *const *const u32) -> u32 {
    // `**pp` is two derefs: the inner `*pp` and the outer one.
    unsafe { **pp }
    //~^ NOTE: unsafe op `deref_raw_pointer`
    //~| NOTE: unsafe op `deref_raw_pointer`
}

pub fn in_let_else(p: *const Option<u32>) -> u32 {
    let Some(v) = (unsafe { *p }) else { return 0 }; //~ NOTE: unsafe op `deref_raw_pointer`
    v
}
