//@compile-flags: --crate-type=lib
// Call kind `intrinsic`: calls to compiler intrinsics (still calls in the MIR the tool reads).
// Stable paths to intrinsic items: `core::mem::transmute`. Library fns that merely wrap
// intrinsics (`ptr::read_volatile`, `ptr::copy_nonoverlapping`, `mem::size_of`) are `static`.
#![no_std]

#[repr(C)]
pub struct Rgba {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

pub fn from_bytes(x: [u8; 4]) -> Rgba {
    unsafe { core::mem::transmute::<[u8; 4], Rgba>(x) } //~ NOTE: call intrinsic
}

pub fn to_bytes(c: Rgba) -> [u8; 4] {
    unsafe { core::mem::transmute(c) } //~ NOTE: call intrinsic
}

pub fn volatile(p: *const u32) -> u32 {
    unsafe { core::ptr::read_volatile(p) } //~ NOTE: call static
}

pub fn copy(src: *const u8, dst: *mut u8) {
    unsafe { core::ptr::copy_nonoverlapping(src, dst, 4) } //~ NOTE: call static
}

pub fn size() -> usize {
    core::mem::size_of::<u64>() //~ NOTE: call static
}
