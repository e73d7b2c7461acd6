//! Splitting a SQL file into statements: DataFusion plans one statement per `ctx.sql` call,
//! while the files under `query/sql/` are written for any engine and may hold several.
//!
//! A `;` ends a statement only outside comments (`-- …`, `/* … */`), string literals
//! (`'…'`, with `''` inside) and quoted identifiers (`"…"`). A piece that holds nothing but
//! comments and blanks is not a statement (a file's trailing comment, a doubled `;`).

/// The statements of `text`, in order, each trimmed, comments kept (the planner skips them).
pub fn statements(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Whether the current piece has anything besides comments and whitespace.
    let mut has_code = false;
    while i < bytes.len() {
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = text[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            quote @ (b'\'' | b'"') => {
                has_code = true;
                i += 1;
                // A doubled quote is the quote character itself, not the end.
                while i < bytes.len() {
                    if bytes[i] == quote {
                        if bytes.get(i + 1) == Some(&quote) {
                            i += 2;
                            continue;
                        }
                        break;
                    }
                    i += 1;
                }
            }
            b';' => {
                if has_code {
                    out.push(text[start..i].trim());
                }
                start = i + 1;
                has_code = false;
            }
            c if !c.is_ascii_whitespace() => has_code = true,
            _ => {}
        }
        i += 1;
    }
    if has_code {
        out.push(text[start..].trim());
    }
    out
}

/// `statement` in DataFusion's dialect. The files are written in DuckDB's, and the one word
/// DataFusion spells differently is the unsigned 64-bit type: DuckDB's `UBIGINT` is DataFusion's
/// `BIGINT UNSIGNED` (DuckDB does not parse the latter, DataFusion not the former).
pub fn for_datafusion(statement: &str) -> std::borrow::Cow<'_, str> {
    const WORD: &str = "UBIGINT";
    let is_ident = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut out = String::new();
    let mut rest = statement;
    let mut changed = false;
    while let Some(at) = rest.find(WORD) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + WORD.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_ident(before) || is_ident(after) {
            out.push_str(WORD);
        } else {
            out.push_str("BIGINT UNSIGNED");
            changed = true;
        }
        rest = &rest[at + WORD.len()..];
    }
    if !changed {
        return std::borrow::Cow::Borrowed(statement);
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::{for_datafusion, statements};

    #[test]
    fn ubigint_becomes_bigint_unsigned_as_a_whole_word_only() {
        assert_eq!(
            for_datafusion("SELECT CAST(0 AS UBIGINT), x_UBIGINT, UBIGINT2"),
            "SELECT CAST(0 AS BIGINT UNSIGNED), x_UBIGINT, UBIGINT2"
        );
        assert!(matches!(
            for_datafusion("SELECT 1"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    #[test]
    fn semicolons_in_comments_strings_and_identifiers_do_not_split() {
        let text = "-- first; still a comment\n\
                    SELECT 'a;b', \"odd;name\" FROM t; /* c; d */\n\
                    SELECT 'it''s; fine' ;;\n\
                    -- trailing comment only; nothing after\n";
        let got = statements(text);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].starts_with("-- first; still a comment\nSELECT 'a;b'"));
        assert!(got[0].ends_with("FROM t"));
        assert!(got[1].starts_with("/* c; d */"));
        assert!(got[1].ends_with("SELECT 'it''s; fine'"));
    }

    #[test]
    fn a_last_statement_without_semicolon_counts_and_unclosed_comments_end_the_text() {
        assert_eq!(statements("SELECT 1;\nSELECT 2"), ["SELECT 1", "SELECT 2"]);
        assert_eq!(statements("SELECT 1; /* open"), ["SELECT 1"]);
        assert!(statements(" -- nothing\n ; ").is_empty());
    }
}
