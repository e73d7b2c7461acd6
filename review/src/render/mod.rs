//! The diff for people and tools: a terminal table ([`table`]), Markdown short enough for a
//! pull-request comment with links to the spans ([`markdown`]), SARIF 2.1.0 of the added items
//! ([`sarif`]); `--format json` is the model itself ([`crate::diff::Diff`]).

pub mod links;
pub mod markdown;
pub mod sarif;
pub mod table;

use painter_schema::Span;

use crate::diff::{CrateDiff, OpItem};

/// `kind `callee`` of an op, as every format words it.
pub fn op_what(op: &OpItem) -> String {
    match &op.callee {
        Some(callee) => format!("{} `{callee}`", op.kind),
        None => op.kind.to_string(),
    }
}

/// `file:line:col`.
pub fn at(span: &Span) -> String {
    format!("{}:{}:{}", span.file, span.line, span.col)
}

/// The crate's key on the side an item is from (`added`: the new one).
pub fn side_key(c: &CrateDiff, added: bool) -> &str {
    let key = if added { &c.new_key } else { &c.old_key };
    key.as_deref()
        .or(c.new_key.as_deref())
        .or(c.old_key.as_deref())
        .unwrap_or(&c.identity)
}

/// `old → new` of a crate: `smallvec 1.6.0 → 1.6.1`, `+ cc@1.2.0`, `- libc@0.2.1`, or its key.
pub fn crate_title(c: &CrateDiff) -> String {
    use crate::diff::CrateStatus::*;
    use crate::diff::crates::version;
    match (c.status, &c.old_key, &c.new_key) {
        (Updated, Some(o), Some(n)) => format!("{} {} → {}", c.identity, version(o), version(n)),
        (Added, _, Some(n)) => format!("{n} (new)"),
        (Removed, Some(o), _) => format!("{o} (removed)"),
        _ => side_key(c, true).to_string(),
    }
}
