//@compile-flags: --crate-type=lib
// Unsafe op kind `access_union_field`: reading a union field, borrowing it, a compound
// assignment (which reads), and union patterns that bind or test a field. Plain assignment
// to a Copy field and `&raw` of a field are safe (see no_ops_union_write.rs, no_ops_raw_borrow.rs).

#[derive(Clone, Copy)]
pub union Word {
    pub int: u32,
    pub float: f32,
    pub bytes: [u8; 4],
}

pub fn read(w: Word) -> u32 {
    unsafe { w.int } //~ NOTE: unsafe op `access_union_field`
}

pub fn borrow(w: &Word) -> &f32 {
    unsafe { &w.float } //~ NOTE: unsafe op `access_union_field`
}

pub fn compound_assign(w: &mut Word) {
    unsafe { w.int += 1 } //~ NOTE: unsafe op `access_union_field`
}

pub fn index_field(w: Word) -> u8 {
    unsafe { w.bytes[0] } //~ NOTE: unsafe op `access_union_field`
}

pub fn pattern_binding(w: Word) -> u32 {
    // In a union pattern the op is at the sub-pattern that reads the field.
    let v = unsafe {
        let Word { int: i } = w; //~ NOTE: unsafe op `access_union_field`
        i
    };
    v
}

pub fn pattern_match(w: Word) -> bool {
    unsafe {
        match w {
            Word { int: 0 } => true, //~ NOTE: unsafe op `access_union_field`
            _ => false,
        }
    }
}

// Destructuring in a parameter: the op sits at the parameter's sub-pattern, so only an
// unsafe fn (context: unsafe fn body) can do this.
#[allow(unsafe_op_in_unsafe_fn)]
pub unsafe fn param_pattern(Word { int }: Word) -> u32 {
    //~^ NOTE: unsafe op `access_union_field`
    int
}
