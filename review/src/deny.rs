//! `--deny new-unsafe,new-ffi,new-unsafe-impl`: which changes fail a CI run. Only the crates'
//! own code counts (the figures' definition: not compiler-generated, not another crate's
//! macro), so deriving `Clone` or calling `format!` denies nothing.

use std::fmt;

use crate::diff::{CrateStatus, Diff};

/// One rule of `--deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DenyRule {
    /// An unsafe operation added to a crate, or a new crate with unsafe operations of its own.
    NewUnsafe,
    /// A native library, foreign symbol, export or callback that was not there.
    NewFfi,
    /// An `unsafe impl` written by the crate (or its own macros) that was not there.
    NewUnsafeImpl,
}

impl DenyRule {
    pub const ALL: [DenyRule; 3] = [
        DenyRule::NewUnsafe,
        DenyRule::NewFfi,
        DenyRule::NewUnsafeImpl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DenyRule::NewUnsafe => "new-unsafe",
            DenyRule::NewFfi => "new-ffi",
            DenyRule::NewUnsafeImpl => "new-unsafe-impl",
        }
    }

    pub fn parse(text: &str) -> Result<DenyRule, String> {
        DenyRule::ALL
            .into_iter()
            .find(|r| r.as_str() == text)
            .ok_or_else(|| {
                format!("unknown rule `{text}` (expected new-unsafe, new-ffi or new-unsafe-impl)")
            })
    }
}

impl fmt::Display for DenyRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rules given, and what each one found.
#[derive(Debug, Clone, Default)]
pub struct Deny {
    pub rules: Vec<DenyRule>,
}

impl Deny {
    /// `(rule, how many changes violate it)` for every rule with violations.
    pub fn violations(&self, diff: &Diff) -> Vec<(DenyRule, u64)> {
        self.rules
            .iter()
            .map(|&rule| (rule, count(diff, rule)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// How many changes of `diff` a rule denies.
pub fn count(diff: &Diff, rule: DenyRule) -> u64 {
    diff.crates
        .iter()
        .map(|c| match rule {
            DenyRule::NewUnsafe => {
                let listed = c.ops.added.iter().filter(|o| o.own).count() as u64;
                match c.status {
                    CrateStatus::Added => c.own_ops_new,
                    _ => listed,
                }
            }
            DenyRule::NewFfi => c.ffi.added() as u64,
            DenyRule::NewUnsafeImpl => c
                .declarations
                .added
                .iter()
                .filter(|d| d.own && d.kind == painter_schema::DeclarationKind::UnsafeImpl)
                .count() as u64,
        })
        .sum()
}
