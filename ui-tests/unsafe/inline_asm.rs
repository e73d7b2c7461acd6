//@compile-flags: --crate-type=lib
// Unsafe op kind `inline_asm` (x86_64 only): every `asm!` invocation; the op is reported at
// the macro call line. `naked_asm!` in a `#[unsafe(naked)]` function is NOT an op: the
// attribute carries the unsafety (it is an unsafe attribute, i.e. a declaration).

pub fn nop() {
    unsafe { core::arch::asm!("nop") } //~ NOTE: unsafe op `inline_asm`
}

pub fn add_one(x: u64) -> u64 {
    let out: u64;
    unsafe {
        core::arch::asm!( //~ NOTE: unsafe op `inline_asm`
            "lea {o}, [{i} + 1]",
            i = in(reg) x,
            o = out(reg) out,
            options(pure, nomem, nostack),
        );
    }
    out
}

pub fn two_in_a_row() {
    unsafe {
        core::arch::asm!("nop"); //~ NOTE: unsafe op `inline_asm`
        core::arch::asm!("pause"); //~ NOTE: unsafe op `inline_asm`
    }
}

#[unsafe(naked)]
pub extern "C" fn naked_ret() -> u32 {
    core::arch::naked_asm!("mov eax, 7", "ret")
}
