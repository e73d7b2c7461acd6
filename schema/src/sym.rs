//! `Sym`: a shared, immutable string for the fields that repeat across records (ids, paths,
//! file names). Deserialising interns them, so a graph holds each distinct string once: a call
//! names its caller, callee, callee path, crate and file, and on a large linked graph these
//! strings, owned per record, were most of the memory (≈ 600 bytes per call; see
//! docs/benchmarks.md, "Linker at ecosystem scale"). The JSON form is a plain string.

use std::borrow::Borrow;
use std::hash::BuildHasher;
use std::ops::Deref;
use std::sync::{Arc, LazyLock, Mutex};

use hashbrown::HashTable;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sym(Arc<str>);

/// Interned strings, sharded so that parallel parsers rarely wait on one another. Each string
/// is hashed once, with foldhash: the shard comes from bits 32..38, which the table leaves
/// alone (it takes a slot from the low bits and a tag from the top seven). Hashing twice with
/// std's SipHash, once for the shard and once inside the set, was a fifth of all the time
/// spent parsing a per-crate file.
const SHARDS: usize = 64;
static INTERNER: LazyLock<Vec<Mutex<HashTable<Arc<str>>>>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Mutex::default()).collect());
static HASHER: LazyLock<foldhash::fast::RandomState> = LazyLock::new(Default::default);

/// Each thread's most recently interned strings, by hash: a file repeats its crate, caller,
/// callee and file names many times, and finding them here takes neither the shard's lock nor
/// a probe of its large table.
const RECENT: usize = 4096;
thread_local! {
    static RECENTLY: std::cell::RefCell<Vec<Option<(u64, Sym)>>> =
        std::cell::RefCell::new(vec![None; RECENT]);
}

impl Sym {
    /// The one shared copy of `s`.
    pub fn intern(s: &str) -> Sym {
        let hash = HASHER.hash_one(s);
        RECENTLY.with_borrow_mut(|recent| {
            let slot = &mut recent[hash as usize % RECENT];
            if let Some((kept_hash, kept)) = slot
                && *kept_hash == hash
                && *kept.0 == *s
            {
                return kept.clone();
            }
            let sym = Sym::intern_shared(hash, s);
            *slot = Some((hash, sym.clone()));
            sym
        })
    }

    fn intern_shared(hash: u64, s: &str) -> Sym {
        let shard = &INTERNER[(hash >> 32) as usize % SHARDS];
        let mut table = shard.lock().unwrap_or_else(|e| e.into_inner());
        let entry = table.entry(hash, |kept| **kept == *s, |kept| HASHER.hash_one(&**kept));
        Sym(entry.or_insert_with(|| Arc::from(s)).get().clone())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Sym {
    fn default() -> Self {
        Sym::intern("")
    }
}

impl Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Sym {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.as_str().as_ref()
    }
}

impl AsRef<std::path::Path> for Sym {
    fn as_ref(&self) -> &std::path::Path {
        self.as_str().as_ref()
    }
}

// Conversions do not intern: the driver makes its records from owned strings, and a lookup
// per record would cost it time inside every rustc run. Reading a file interns.
impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym(Arc::from(s))
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Sym {
        Sym(Arc::from(s))
    }
}

impl From<&String> for Sym {
    fn from(s: &String) -> Sym {
        Sym(Arc::from(s.as_str()))
    }
}

impl From<Sym> for String {
    fn from(s: Sym) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        &*self.0 == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        &*self.0 == *other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, other: &Sym) -> bool {
        self == &*other.0
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        *self == &*other.0
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, other: &Sym) -> bool {
        **self == *other.0
    }
}

impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sym, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Sym;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Sym, E> {
                Ok(Sym::intern(s))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_copy_and_serialise_as_strings() {
        let a: Sym = serde_json::from_str("\"lib::f\"").unwrap();
        let b = Sym::intern("lib::f");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(a, "lib::f");
        assert_eq!(Sym::from(String::from("lib::f")), a);
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"lib::f\"");
        let (x, y) = (Sym::from("a"), Sym::from("b"));
        assert!(x < y);
        assert_eq!(format!("{a} {a:?}"), "lib::f \"lib::f\"");
    }

    #[test]
    fn the_recent_cache_and_other_threads_give_the_one_shared_copy() {
        // More strings than the cache has slots: many share one, and each must still come back
        // as itself, the same copy as the shared table's.
        let texts: Vec<String> = (0..3 * RECENT).map(|i| format!("crate::f{i}")).collect();
        let first: Vec<Sym> = texts.iter().map(|t| Sym::intern(t)).collect();
        let again: Vec<Sym> = texts.iter().rev().map(|t| Sym::intern(t)).collect();
        let copy = texts.clone();
        let elsewhere: Vec<Sym> =
            std::thread::spawn(move || copy.iter().map(|t| Sym::intern(t)).collect())
                .join()
                .unwrap();
        for (i, text) in texts.iter().enumerate() {
            let (a, b, c) = (&first[i], &again[texts.len() - 1 - i], &elsewhere[i]);
            assert_eq!(a.as_str(), text);
            assert!(Arc::ptr_eq(&a.0, &b.0) && Arc::ptr_eq(&a.0, &c.0));
        }
    }
}
