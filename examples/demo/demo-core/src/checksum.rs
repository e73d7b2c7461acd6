mod sys {
    // FACT: FFI imports from the C library compiled by build.rs. Their native library
    // (`democsum`) comes from the build script's `-l`, not from a `#[link]` attribute.
    unsafe extern "C" {
        pub fn demo_checksum(data: *const u8, len: usize) -> u32;
        pub fn demo_apply(cb: extern "C" fn(u32) -> u32, values: *const u32, len: usize) -> u32;
        // FACT: an extern static; reading it is an unsafe op (use_extern_static).
        pub static demo_checksum_seed: u32;
    }
}

/// Adler-32 in Rust; must agree with the C version.
pub fn checksum_rust(data: &[u8]) -> u32 {
    let (mut a, mut b) = (seed(), 0u32);
    for i in 0..data.len() {
        // FACT: call to an unsafe std method (`<[u8]>::get_unchecked`).
        let byte = unsafe { *data.get_unchecked(i) };
        a = (a + u32::from(byte)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

/// Adler-32 in C.
pub fn checksum_c(data: &[u8]) -> u32 {
    // FACT: FFI call into the C library (call kind `ffi`).
    unsafe { sys::demo_checksum(data.as_ptr(), data.len()) }
}

pub fn seed() -> u32 {
    unsafe { sys::demo_checksum_seed }
}

union Word {
    value: u32,
    bytes: [u8; 4],
}

/// Big-endian bytes of a checksum, the way it is usually printed.
pub fn checksum_bytes(sum: u32) -> [u8; 4] {
    let w = Word { value: sum.to_be() };
    // FACT: union field read (access_union_field).
    unsafe { w.bytes }
}

// FACT: a Rust callback handed to C; C calls it back once per value.
extern "C" fn square(x: u32) -> u32 {
    x.wrapping_mul(x)
}

pub fn sum_of_squares(values: &[u32]) -> u32 {
    unsafe { sys::demo_apply(square, values.as_ptr(), values.len()) }
}

pub fn process_id() -> i32 {
    // FACT: FFI call into libc.
    unsafe { libc::getpid() }
}
