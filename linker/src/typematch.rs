//! Comparing types as the driver prints them (rustc's printer, crate-qualified and untrimmed:
//! `alloc::vec::Vec<T>`, `&lib::Dog`, `fn(u32) -> u32`), for candidate edges: does the self type
//! of an impl fit a type coerced to `dyn Trait`, does a fn-pointer signature fit another?
//!
//! Both sides may contain unknowns: the impl's own parameters (`impl<T> Animal for Vec<T>`
//! prints `alloc::vec::Vec<T>`), and parameters of the generic code a coercion or call sits in.
//! Two types match when they are equal token by token, where an unknown on either side matches
//! any one type on the other. Unknowns are:
//! - a path whose first segment starts with an upper-case letter (`T`, `Self`, `T::Item`):
//!   concrete types are always crate-qualified (`lib::Dog`) or primitives (`u8`, `str`);
//! - `_`, `impl Trait` (an opaque type), and qualified paths (`<T as Trait>::Assoc`).
//!
//! Lifetimes are ignored (the driver erases them in bodies, impl headers keep their names), and so
//! are `for<'a>` binders. The comparison errs towards matching: a parameter matches any type even
//! when it occurs twice (`Pair<T, T>` matches `Pair<u8, u16>`), and `&T` matches `&mut X`.

/// One token of a printed type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'s> {
    /// A path or a word: `alloc::vec::Vec`, `u8`, `T`, `dyn`, `mut`, `4`, `::Item`.
    Word(&'s str),
    /// Punctuation, `->`, or a literal (`"C"`).
    Punct(&'s str),
    Lifetime,
}

/// A printed type, tokenised and normalised once, to be matched many times.
#[derive(Debug, Clone)]
pub struct TypePattern<'s> {
    toks: Vec<Tok<'s>>,
    /// Per token: whether an unknown type starts there (`is_unknown`), decided once rather than
    /// at every comparison.
    unknown: Vec<bool>,
    /// Whether it contains an unknown (if not, matching a concrete type is token equality).
    generic: bool,
}

impl<'s> TypePattern<'s> {
    pub fn new(printed: &'s str) -> Self {
        let toks = normalize(tokenize(printed));
        let unknown: Vec<bool> = (0..toks.len()).map(|i| is_unknown(&toks, i)).collect();
        let generic = unknown.contains(&true);
        TypePattern {
            toks,
            unknown,
            generic,
        }
    }

    /// Whether it contains a type parameter or another unknown.
    pub fn is_generic(&self) -> bool {
        self.generic
    }

    /// Whether the two types can be the same type (see the module docs).
    pub fn matches(&self, other: &TypePattern<'_>) -> bool {
        if !self.generic && !other.generic {
            return self.toks == other.toks;
        }
        let (a, b) = (&self.toks, &other.toks);
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if self.unknown[i] || other.unknown[j] {
                i = skip_type(a, i);
                j = skip_type(b, j);
            } else if a[i] == b[j] {
                i += 1;
                j += 1;
            } else {
                return false;
            }
        }
        i == a.len() && j == b.len()
    }

    /// For a trait object type (`dyn lib::Animal + core::marker::Send`, `(dyn lib::Tr + 'a)`),
    /// the path of its first trait, which rustc prints first when it is the principal.
    pub fn dyn_principal(&self) -> Option<&'s str> {
        match self.toks.as_slice() {
            [Tok::Word("dyn"), Tok::Word(path), ..] => Some(path),
            _ => None,
        }
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn tokenize(s: &str) -> Vec<Tok<'_>> {
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        let start = i;
        i += c.len_utf8();
        let rest = &s[i..];
        let ident_follows = |r: &str| r.chars().next().is_some_and(is_ident);
        if c.is_whitespace() {
            continue;
        }
        if is_ident(c) || (c == ':' && rest.starts_with(':') && ident_follows(&rest[1..])) {
            if c == ':' {
                i += 1;
            }
            loop {
                let rest = &s[i..];
                match rest.chars().next() {
                    Some(ch) if is_ident(ch) => i += ch.len_utf8(),
                    Some(':') if rest.starts_with("::") && ident_follows(&rest[2..]) => i += 2,
                    _ => break,
                }
            }
            toks.push(Tok::Word(&s[start..i]));
        } else if c == '\'' && ident_follows(rest) {
            i += rest.find(|ch: char| !is_ident(ch)).unwrap_or(rest.len());
            if s[i..].starts_with('\'') {
                // A char literal (`'a'`, in a const argument).
                i += 1;
                toks.push(Tok::Punct(&s[start..i]));
            } else {
                toks.push(Tok::Lifetime);
            }
        } else if c == '"' {
            let mut end = s.len();
            let mut escaped = false;
            for (at, ch) in rest.char_indices() {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == '"' {
                    end = i + at + 1;
                    break;
                }
            }
            i = end;
            toks.push(Tok::Punct(&s[start..i]));
        } else if c == '-' && rest.starts_with('>') {
            i += 1;
            toks.push(Tok::Punct("->"));
        } else {
            toks.push(Tok::Punct(&s[start..i]));
        }
    }
    toks
}

/// Drop lifetimes (with the `,` or `+` that separated them) and `for<..>` binders, drop the
/// `<>` left empty, and unwrap `(dyn Trait + 'a)`, which rustc prints without parentheses when
/// the region is erased.
fn normalize(toks: Vec<Tok<'_>>) -> Vec<Tok<'_>> {
    let mut out: Vec<Tok<'_>> = Vec::with_capacity(toks.len());
    let mut k = 0;
    while k < toks.len() {
        match toks[k] {
            Tok::Word("for") if toks.get(k + 1) == Some(&Tok::Punct("<")) => {
                k = skip_group(&toks, k + 1);
                continue;
            }
            Tok::Lifetime => {
                if toks.get(k + 1) == Some(&Tok::Punct(",")) {
                    k += 1;
                } else if matches!(out.last(), Some(Tok::Punct("," | "+"))) {
                    out.pop();
                } else if toks.get(k + 1) == Some(&Tok::Punct("+")) {
                    k += 1;
                }
            }
            Tok::Punct(">") if out.last() == Some(&Tok::Punct("<")) => {
                out.pop();
            }
            tok => out.push(tok),
        }
        k += 1;
    }
    // `( dyn … )` with nothing else inside: a parenthesised trait object, not a tuple.
    let mut k = 0;
    while k + 1 < out.len() {
        if out[k] == Tok::Punct("(") && out[k + 1] == Tok::Word("dyn") {
            let end = skip_type(&out, k + 1);
            if out.get(end) == Some(&Tok::Punct(")")) {
                out.remove(end);
                out.remove(k);
                continue;
            }
        }
        k += 1;
    }
    out
}

/// Words that may precede a `<` without it opening generic arguments.
const KEYWORDS: &[&str] = &["dyn", "impl", "mut", "const", "as", "unsafe", "extern"];

/// Whether the token at `i` starts an unknown type.
fn is_unknown(toks: &[Tok<'_>], i: usize) -> bool {
    match toks[i] {
        Tok::Word(word) => {
            let first = word.split("::").next().unwrap_or_default();
            word == "impl" || first == "_" || first.starts_with(|c: char| c.is_uppercase())
        }
        // `<` opens a qualified path unless it follows a path (`Vec<T>`).
        Tok::Punct("<") => i == 0 || !matches!(toks[i - 1], Tok::Word(w) if !KEYWORDS.contains(&w)),
        _ => false,
    }
}

/// Just past the bracket closing the one at `i`.
fn skip_group(toks: &[Tok<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (k, tok) in toks.iter().enumerate().skip(i) {
        match tok {
            Tok::Punct("<" | "(" | "[" | "{") => depth += 1,
            Tok::Punct(">" | ")" | "]" | "}") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// The end of the type starting at `i`: the next `,` `;` `=` or unmatched closing bracket.
fn skip_type(toks: &[Tok<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    let mut k = i;
    while k < toks.len() {
        match toks[k] {
            Tok::Punct("<" | "(" | "[" | "{") => depth += 1,
            Tok::Punct(">" | ")" | "]" | "}") => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            Tok::Punct("," | ";" | "=") if depth == 0 => break,
            _ => {}
        }
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fits(a: &str, b: &str) -> bool {
        let (a, b) = (TypePattern::new(a), TypePattern::new(b));
        let result = a.matches(&b);
        assert_eq!(result, b.matches(&a), "matching is symmetric");
        result
    }

    #[test]
    fn concrete_types_match_exactly() {
        assert!(fits("lib::Dog", "lib::Dog"));
        assert!(!fits("lib::Dog", "lib::Cat"));
        assert!(!fits("lib::Dog", "&lib::Dog"));
        assert!(fits("alloc::vec::Vec<u8>", "alloc::vec::Vec<u8>"));
        assert!(!fits("alloc::vec::Vec<u8>", "alloc::vec::Vec<u16>"));
        assert!(fits("fn(u32) -> u32", "fn(u32)->u32"));
        assert!(!fits("fn(u32) -> u32", "fn(u32) -> u64"));
        assert!(!fits("fn(u32)", "unsafe fn(u32)"));
        assert!(!fits("extern \"C\" fn(u32)", "extern \"system\" fn(u32)"));
    }

    #[test]
    fn parameters_match_any_type() {
        assert!(fits("alloc::vec::Vec<T>", "alloc::vec::Vec<u8>"));
        assert!(fits("alloc::vec::Vec<T>", "alloc::vec::Vec<lib::Dog>"));
        assert!(!fits("alloc::vec::Vec<T>", "alloc::boxed::Box<u8>"));
        assert!(fits("T", "lib::Dog"));
        assert!(fits("T", "&[u8]"));
        assert!(fits("&T", "&lib::Dog"));
        assert!(!fits("&T", "lib::Dog"));
        assert!(fits("(A, B)", "(u8, lib::Dog)"));
        assert!(!fits("(A, B)", "(u8, lib::Dog, u16)"));
        assert!(fits("[T; N]", "[u8; 4]"));
        assert!(fits(
            "lib::Map<K, alloc::vec::Vec<V>>",
            "lib::Map<u8, alloc::vec::Vec<u16>>"
        ));
        assert!(!fits(
            "lib::Map<K, alloc::vec::Vec<V>>",
            "lib::Map<u8, u16>"
        ));
        assert!(fits("fn(T) -> T", "fn(u32) -> u32"));
        assert!(fits("fn(&T)", "fn(&alloc::string::String)"));
        // Unknowns of generic code on the coerced side.
        assert!(fits("alloc::vec::Vec<u8>", "alloc::vec::Vec<T>"));
        assert!(fits("lib::Dog", "Self"));
        assert!(fits("lib::Dog", "impl lib::Animal"));
        assert!(fits(
            "lib::W<<T as core::iter::Iterator>::Item>",
            "lib::W<u8>"
        ));
        assert!(fits("lib::W<T::Item>", "lib::W<u8>"));
    }

    #[test]
    fn lifetimes_and_binders_are_ignored() {
        assert!(fits("lib::Ref<'a, T>", "lib::Ref<u8>"));
        assert!(fits("lib::Ref<'a>", "lib::Ref"));
        assert!(fits("&'a lib::Dog", "&lib::Dog"));
        assert!(fits("&'a mut lib::Dog", "&mut lib::Dog"));
        assert!(fits(
            "alloc::boxed::Box<(dyn lib::Animal + 'static)>",
            "alloc::boxed::Box<dyn lib::Animal>"
        ));
        assert!(fits(
            "(dyn lib::Animal + core::marker::Send + 'a)",
            "dyn lib::Animal + core::marker::Send"
        ));
        assert!(fits("for<'a> fn(&'a u8) -> &'a u8", "fn(&u8) -> &u8"));
        assert!(fits("for<'a, 'b> fn(&'a u8, &'b u8)", "fn(&u8, &u8)"));
        assert!(!fits("(u8,)", "u8"));
    }

    #[test]
    fn principal_of_a_trait_object() {
        let principal = |s| TypePattern::new(s).dyn_principal();
        assert_eq!(principal("dyn lib::Animal"), Some("lib::Animal"));
        assert_eq!(
            principal("(dyn lib::Handler<u8> + core::marker::Send + 'a)"),
            Some("lib::Handler")
        );
        assert_eq!(principal("lib::Dog"), None);
    }
}
