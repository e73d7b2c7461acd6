use crate::checksum::checksum_c;

/// Something that consumes a block of bytes and produces a number.
pub trait Plugin {
    fn name(&self) -> &str;
    fn process(&mut self, data: &[u8]) -> u32;
}

pub struct Checksummer;

impl Plugin for Checksummer {
    fn name(&self) -> &str {
        "adler32 (C)"
    }
    fn process(&mut self, data: &[u8]) -> u32 {
        checksum_c(data)
    }
}

pub struct ByteCounter {
    pub seen: u32,
}

impl Plugin for ByteCounter {
    fn name(&self) -> &str {
        "byte counter"
    }
    fn process(&mut self, data: &[u8]) -> u32 {
        self.seen += data.len() as u32;
        self.seen
    }
}

// FACT: a trait method called on a type parameter (call kind `trait_generic`).
pub fn run_one<P: Plugin>(plugin: &mut P, data: &[u8]) -> u32 {
    plugin.process(data)
}

// FACT: calls through trait objects (call kind `dyn`).
pub fn run_all(plugins: &mut [Box<dyn Plugin>], data: &[u8]) -> Vec<(String, u32)> {
    plugins
        .iter_mut()
        .map(|p| (p.name().to_string(), p.process(data)))
        .collect()
}

/// A named transformation, stored as a plain fn pointer.
pub struct Hook {
    pub name: &'static str,
    pub apply: fn(u32) -> u32,
}

impl Hook {
    pub fn call(&self, x: u32) -> u32 {
        // FACT: call through a fn pointer stored in a struct (call kind `fn_ptr`).
        (self.apply)(x)
    }
}

/// # Safety
/// Implementors must be plain old data: no padding, every bit pattern valid.
// FACT: an unsafe trait, and unsafe impls of it.
pub unsafe trait Pod: Copy {}
unsafe impl Pod for u8 {}
unsafe impl Pod for u32 {}

pub fn as_bytes<T: Pod>(values: &[T]) -> &[u8] {
    // FACT: call to an unsafe std fn (`slice::from_raw_parts`).
    unsafe { std::slice::from_raw_parts(values.as_ptr().cast::<u8>(), size_of_val(values)) }
}
