//! Function ids as fixed-width integers: `"<stable crate id>:<def path hash>"` (16 lowercase hex
//! digits each) is stored as two `UInt64` columns, so joins compare integers, not strings.
//!
//! An id of any other shape (an older or foreign writer, a hand-made file) must still round-trip
//! exactly: it is stored in a third, nullable `…id_text` column and the two integers are null.
//! So for each id field exactly one of (integers, text) is set, or neither when the field is absent.

/// The two halves of a canonical id, or `None` when `id` is not exactly the form we print back
/// (uppercase or short hex would not give the same text again, so it goes to `id_text`).
pub fn parse(id: &str) -> Option<(u64, u64)> {
    let (krate, hash) = id.split_once(':')?;
    Some((parse_crate(krate)?, parse_crate(hash)?))
}

/// One half of a canonical id (a stable crate id on its own): exactly 16 lowercase hex digits.
pub fn parse_crate(half: &str) -> Option<u64> {
    (half.len() == 16 && half.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then(|| u64::from_str_radix(half, 16).ok())
        .flatten()
}

/// The id text of two integers: the inverse of [`parse`].
pub fn format(krate: u64, hash: u64) -> String {
    format!("{krate:016x}:{hash:016x}")
}

/// The column names of an id field: `crate_id`, `hash`, `id_text` for a record's own id (no
/// prefix), `<prefix>_crate_id`, `<prefix>_hash`, `<prefix>_id_text` otherwise.
pub fn column_names(prefix: &str) -> [String; 3] {
    if prefix.is_empty() {
        ["crate_id".into(), "hash".into(), "id_text".into()]
    } else {
        [
            format!("{prefix}_crate_id"),
            format!("{prefix}_hash"),
            format!("{prefix}_id_text"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ids_parse_and_print_back_others_do_not_parse() {
        let id = "0fa4bc0ff95a350a:620fa8d25e63f9b0";
        let (c, h) = parse(id).unwrap();
        assert_eq!(c, 0x0fa4bc0ff95a350a);
        assert_eq!(format(c, h), id);
        for odd in [
            "",
            "x",
            "0FA4BC0FF95A350A:620fa8d25e63f9b0",
            "1:2",
            "0fa4bc0ff95a350a:620fa8d25e63f9b0:1",
            "+fa4bc0ff95a350a:620fa8d25e63f9b0",
        ] {
            assert_eq!(parse(odd), None, "{odd}");
        }
    }
}
