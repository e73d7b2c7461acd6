//@compile-flags: --crate-type=lib
//@check-pass
// Must report NO unsafe op. Raw borrows that rustc's unsafety checker exempts:
// `&raw const/mut` of a `static mut` or extern static (the place is not read), `&raw` of a
// deref placed *directly* under it (`&raw const *p`, `addr_of!(*p)`), and `&raw` of union
// fields. (`&raw const (*p).field` and `&raw const STATIC_MUT.field` ARE ops: the projection
// goes through the place — see deref_raw_pointer.rs and use_static_mut.rs.)

pub static mut STATE: u32 = 0;

unsafe extern "C" {
    pub static environ: *const *const u8;
}

pub union Bits {
    pub u: u32,
    pub f: f32,
}

pub fn static_mut_const() -> *const u32 {
    &raw const STATE
}

pub fn static_mut_mut() -> *mut u32 {
    &raw mut STATE
}

pub fn static_mut_addr_of() -> *mut u32 {
    core::ptr::addr_of_mut!(STATE)
}

pub fn extern_static() -> *const *const *const u8 {
    &raw const environ
}

pub fn reborrow_raw(p: *mut u32) -> *mut u32 {
    &raw mut *p
}

pub fn addr_of_deref(p: *const u32) -> *const u32 {
    core::ptr::addr_of!(*p)
}

pub fn union_field(b: &Bits) -> *const f32 {
    &raw const b.f
}

pub fn union_field_mut(b: &mut Bits) -> *mut u32 {
    &raw mut b.u
}
