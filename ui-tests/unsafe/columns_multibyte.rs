//@compile-flags: --crate-type=lib
// Columns count characters, as rustc's JSON diagnostics do: each multi-byte character before an
// operation on its line moves it by one column, and those on earlier lines (here: ü, é, ö) do not.
// `tests/e0133.rs` checks the columns painter records against rustc's own E0133 errors.

pub fn after_text_on_the_line(p: *const u8) -> u8 {
    let _s = "ünïcödé ✓"; unsafe { *p } //~ NOTE: unsafe op `deref_raw_pointer`
}

pub fn after_a_wide_character(p: *const u8) -> u8 {
    let _crab = '🦀'; let _é = unsafe { *p }; //~ NOTE: unsafe op `deref_raw_pointer`
    0
}

pub fn on_a_later_line(p: *const u8) -> u8 {
    // Grüße aus Köln: characters on an earlier line.
    unsafe { *p } //~ NOTE: unsafe op `deref_raw_pointer`
}
