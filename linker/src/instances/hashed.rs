//! Function keys with their hash computed once, where their text is at hand (the scan reads
//! each call anyway): looking one up later compares hashes first, so a key that is not in a
//! table is rejected without reading its text again.

use std::hash::{BuildHasher, Hash, Hasher};

use foldhash::fast::FixedState;

use crate::candidates::MethodKey;

/// A key and its hash (a fixed function: the same key always hashes alike).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hashed<'a> {
    hash: u64,
    pub key: MethodKey<'a>,
}

impl<'a> Hashed<'a> {
    pub fn new(key: MethodKey<'a>) -> Self {
        Hashed {
            hash: FixedState::default().hash_one(key),
            key,
        }
    }
}

impl PartialEq for Hashed<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.key == other.key
    }
}

impl Eq for Hashed<'_> {}

impl Hash for Hashed<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// Tables of [`Hashed`] keys use their hash as it is.
#[derive(Default, Clone, Copy)]
pub(crate) struct UseHash;

impl BuildHasher for UseHash {
    type Hasher = HashOf;
    fn build_hasher(&self) -> HashOf {
        HashOf(0)
    }
}

pub(crate) struct HashOf(u64);

impl Hasher for HashOf {
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is expected; anything else still hashes, if slowly.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}
