//@compile-flags: --crate-type=lib
//@check-pass
// Must report NO unsafe op. Plain assignment to a union field is safe when the field's type
// has no drop glue (Copy, or ManuallyDrop): nothing is read. Constructing a union and
// matching it with only wildcard patterns are safe too. (`u.f += 1` reads, so it IS an op.)

use std::mem::ManuallyDrop;

#[derive(Clone, Copy)]
pub union Word {
    pub int: u32,
    pub float: f32,
}

pub union Slot {
    pub name: ManuallyDrop<String>,
    pub id: u64,
}

pub fn write(w: &mut Word) {
    w.int = 1;
}

pub fn write_local() -> Word {
    let mut w = Word { float: 0.5 };
    w.float = 2.0;
    w
}

pub fn write_manually_drop(s: &mut Slot) {
    s.name = ManuallyDrop::new(String::new());
}

pub fn wildcard(w: Word) -> bool {
    let Word { int: _ } = w;
    matches!(w, Word { float: _ })
}
