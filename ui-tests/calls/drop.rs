//@compile-flags: --crate-type=lib
// Call kind `drop`: a value with drop glue going out of scope. The call site is where it dies:
// the closing brace of its scope (rustc attributes scope-exit drops to the closing brace), or
// the `;` of the statement for a temporary. Each scope here holds exactly one droppable value
// and no other call is made while it lives, so there is no unwind-path duplicate. Types
// without drop glue are never dropped. A value moved away on every path is not dropped where
// its scope ends (built MIR still has that drop; the driver removes it as drop elaboration
// would); a value moved on some paths only is.
#![no_std]

pub struct Guard(pub u32);

impl Drop for Guard {
    fn drop(&mut self) {}
}

/// No `Drop` impl, but drop glue through its field.
pub struct Holder {
    pub guard: Guard,
    pub id: u32,
}

pub struct NoGlue(pub u32);

pub fn scope_end() {
    let _g = Guard(1);
} //~ NOTE: call drop

pub fn inner_block() -> u32 {
    {
        let _g = Guard(2);
    } //~ NOTE: call drop
    7
}

pub fn temporary() {
    let _ = Guard(3); //~ NOTE: call drop
}

pub fn parameter(g: Guard) -> u32 {
    g.0
} //~ NOTE: call drop

pub fn glue_only(h: Holder) -> u32 {
    // Dropping `Holder` runs its drop glue (and `Guard::drop` inside it). Building a `Holder`
    // here would move a droppable temporary into it: see the note at the top.
    h.id
} //~ NOTE: call drop

pub fn no_glue() -> u32 {
    let n = NoGlue(6);
    n.0
}

pub fn moved_away() -> u32 {
    let g = Guard(5);
    parameter(g) //~ NOTE: call static
}

pub fn moved_on_one_path(flag: bool) -> u32 {
    let g = Guard(6);
    if flag {
        return parameter(g); //~ NOTE: call static
    }
    7
} //~ NOTE: call drop
