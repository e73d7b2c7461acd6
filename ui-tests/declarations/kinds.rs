//@compile-flags: --crate-type=lib
// One case per declaration kind, all hand-written (so no `from`): unsafe fns (free, trait
// method, trait impl method), an unsafe trait and impl, an extern block, a `#[target_feature]`
// fn, the three unsafe attributes and an unsafe field (nightly `unsafe_fields`). Safe
// counterparts (a safe fn, a safe impl, a mangled `extern "C" fn`) must report nothing.
#![feature(unsafe_fields)]
#![allow(incomplete_features)]

pub unsafe fn raw_read(p: *const u8) -> u8 { //~ NOTE: declaration `unsafe_fn`: fn
    unsafe { *p }
}

pub fn safe_read(p: &u8) -> u8 {
    *p
}

pub unsafe trait Zeroable {} //~ NOTE: declaration `unsafe_trait`

pub trait Reader {
    unsafe fn read(&self) -> u8; //~ NOTE: declaration `unsafe_fn`: trait method
}

pub struct Byte(u8);

unsafe impl Zeroable for Byte {} //~ NOTE: declaration `unsafe_impl`: kinds::Zeroable

impl Reader for Byte {
    unsafe fn read(&self) -> u8 { //~ NOTE: declaration `unsafe_fn`: trait impl method
        self.0
    }
}

impl Clone for Byte {
    fn clone(&self) -> Byte {
        Byte(self.0)
    }
}

unsafe extern "C" { //~ NOTE: declaration `extern_block`: unsafe extern "C", 2 items (1 safe, 1 unsafe)
    pub fn abs(x: i32) -> i32;
    pub safe fn labs(x: i64) -> i64;
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub fn wide() {} //~ NOTE: declaration `target_feature_fn`: enable = "avx2"

#[unsafe(no_mangle)]
pub extern "C" fn painter_kinds_add(a: i32) -> i32 { //~ NOTE: declaration `unsafe_attribute`: no_mangle
    a
}

#[unsafe(export_name = "painter_kinds_sub")]
pub extern "C" fn sub(a: i32) -> i32 { //~ NOTE: declaration `unsafe_attribute`: export_name = "painter_kinds_sub"
    a
}

#[unsafe(link_section = ".data.painter")]
pub static TABLE: [u8; 2] = [1, 2]; //~ NOTE: declaration `unsafe_attribute`: link_section = ".data.painter"

pub extern "C" fn mangled(a: i32) -> i32 {
    a
}

pub struct Buf {
    pub unsafe len: u32, //~ NOTE: declaration `unsafe_field`: field `len`
    pub cap: u32,
}
