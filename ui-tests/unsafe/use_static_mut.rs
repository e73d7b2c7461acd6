//@compile-flags: --crate-type=lib
// Unsafe op kind `use_static_mut`: every read or write of a `static mut` place. (Taking
// `&raw const`/`&raw mut` of it is safe — see no_ops_raw_borrow.rs. Plain `&COUNTER` is
// rejected by the deny-by-default `static_mut_refs` lint, so it is not used here.)

pub static mut COUNTER: u32 = 0;
pub static mut TABLE: [u32; 4] = [0; 4];

pub struct Config {
    pub level: u8,
}
pub static mut CONFIG: Config = Config { level: 0 };

pub fn read() -> u32 {
    unsafe { COUNTER } //~ NOTE: unsafe op `use_static_mut`
}

pub fn write(v: u32) {
    unsafe { COUNTER = v } //~ NOTE: unsafe op `use_static_mut`
}

pub fn increment() {
    unsafe { COUNTER += 1 } //~ NOTE: unsafe op `use_static_mut`
}

pub fn read_modify_write() {
    // Two uses on one line: the write target and the read.
    unsafe { COUNTER = COUNTER.wrapping_mul(2) }
    //~^ NOTE: unsafe op `use_static_mut`
    //~| NOTE: unsafe op `use_static_mut`
}

pub fn index(i: usize) -> u32 {
    unsafe { TABLE[i] } //~ NOTE: unsafe op `use_static_mut`
}

pub fn field_write() {
    unsafe { CONFIG.level = 3 } //~ NOTE: unsafe op `use_static_mut`
}

pub fn raw_borrow_of_field() -> *const u8 {
    // Only `&raw const STATIC` itself is exempt; a field projection under `&raw` reads the place.
    unsafe { &raw const CONFIG.level } //~ NOTE: unsafe op `use_static_mut`
}
