//! Generic arguments as the driver prints them for instantiation (`Call::args`): parsed into
//! trees, substituted (placeholder `#i` → the caller's i-th argument), matched against an
//! impl's header (binding its placeholders), and printed back in the same syntax.

use std::fmt;
use std::rc::Rc;

/// A type, lifetime or const argument.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ty {
    /// `#i`: the i-th generic parameter of the body the argument is written in.
    Param(u32),
    /// A constructor and its arguments. Heads: a path (`alloc::vec::Vec`), `&`, `&mut `,
    /// `*const `, `*mut `, `[]` (slice), `[;]` (array: element, length), `()` (tuple), or a
    /// braced name (`{closure:<id>}`, `{coroutine:<id>}`, `{fn:<id>}`, atoms `{ty:…}`,
    /// `{const:…}`). Atoms are compared as text; their placeholders are substituted as text.
    /// Heads are shared: substituting an instantiation copies types without copying text.
    Node(Rc<str>, Vec<Ty>),
}

impl Ty {
    pub fn parse(s: &str) -> Option<Ty> {
        let mut p = Parser { s, i: 0 };
        let t = p.ty()?;
        (p.i == s.len()).then_some(t)
    }

    pub fn has_params(&self) -> bool {
        match self {
            Ty::Param(_) => true,
            Ty::Node(head, args) => {
                (head.starts_with('{') && head.contains('#')) || args.iter().any(Ty::has_params)
            }
        }
    }

    /// `self` with each `#i` replaced by `args[i]`; `None` when an index is out of range.
    pub fn subst(&self, args: &[Ty]) -> Option<Ty> {
        Some(match self {
            Ty::Param(i) => args.get(*i as usize)?.clone(),
            Ty::Node(head, list) => {
                let head = if head.starts_with('{') && head.contains('#') {
                    subst_text(head, args)?.into()
                } else {
                    head.clone()
                };
                let list = list
                    .iter()
                    .map(|t| t.subst(args))
                    .collect::<Option<Vec<_>>>()?;
                Ty::Node(head, list)
            }
        })
    }

    /// Does the pattern `self` (an impl header's argument) match the concrete `ty`? Binds the
    /// pattern's placeholders in `bound`; a placeholder seen twice must bind equal types.
    pub fn bind(&self, ty: &Ty, bound: &mut Vec<Option<Ty>>) -> bool {
        match self {
            Ty::Param(i) => {
                let i = *i as usize;
                if bound.len() <= i {
                    bound.resize(i + 1, None);
                }
                match &bound[i] {
                    Some(b) => b == ty,
                    None => {
                        bound[i] = Some(ty.clone());
                        true
                    }
                }
            }
            // A lifetime matches any lifetime.
            Ty::Node(head, _) if &**head == "'_" => matches!(ty, Ty::Node(h, _) if &**h == "'_"),
            Ty::Node(head, list) => match ty {
                Ty::Node(h, l) => {
                    h == head
                        && l.len() == list.len()
                        && list.iter().zip(l).all(|(p, t)| p.bind(t, bound))
                }
                Ty::Param(_) => false,
            },
        }
    }

    /// Nesting depth: instantiations that grow without end (`f::<T>` calling `f::<Vec<T>>`)
    /// are cut off by it.
    pub fn depth(&self) -> usize {
        match self {
            Ty::Param(_) => 1,
            Ty::Node(_, l) => 1 + l.iter().map(Ty::depth).max().unwrap_or(0),
        }
    }

    /// The text of an atom (`{ty:fn(&zoo::Dog) -> u32}` → `fn(&zoo::Dog) -> u32`).
    pub fn atom_text(&self) -> Option<&str> {
        match self {
            Ty::Node(head, args) if args.is_empty() => head.strip_prefix("{ty:")?.strip_suffix('}'),
            _ => None,
        }
    }

    /// `{closure:<id>}`, `{coroutine:<id>}`, `{fn:<id>}`: the kind and the function id.
    pub fn body(&self) -> Option<(&str, &str, &[Ty])> {
        let Ty::Node(head, args) = self else {
            return None;
        };
        let inner = head.strip_prefix('{')?.strip_suffix('}')?;
        let (kind, id) = inner.split_once(':')?;
        matches!(kind, "closure" | "coroutine" | "fn").then_some((kind, id, args.as_slice()))
    }
}

/// Replace `#i` (not followed by a digit) in an atom's text.
fn subst_text(text: &str, args: &[Ty]) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('#') {
        out.push_str(&rest[..at]);
        let digits: String = rest[at + 1..]
            .chars()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if digits.is_empty() {
            out.push('#');
        } else {
            let i: usize = digits.parse().ok()?;
            out.push_str(&args.get(i)?.to_string());
        }
        rest = &rest[at + 1 + digits.len()..];
    }
    out.push_str(rest);
    Some(out)
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list = |f: &mut fmt::Formatter<'_>, l: &[Ty], sep: &str| -> fmt::Result {
            for (i, t) in l.iter().enumerate() {
                if i > 0 {
                    f.write_str(sep)?;
                }
                write!(f, "{t}")?;
            }
            Ok(())
        };
        match self {
            Ty::Param(i) => write!(f, "#{i}"),
            Ty::Node(head, l) => match &**head {
                "&" | "&mut " | "*const " | "*mut " => write!(f, "{head}{}", l[0]),
                "[]" => write!(f, "[{}]", l[0]),
                "[;]" => write!(f, "[{}; {}]", l[0], l[1]),
                "()" => {
                    f.write_str("(")?;
                    list(f, l, ", ")?;
                    f.write_str(if l.len() == 1 { ",)" } else { ")" })
                }
                _ => {
                    f.write_str(head)?;
                    if !l.is_empty() {
                        f.write_str("<")?;
                        list(f, l, ", ")?;
                        f.write_str(">")?;
                    }
                    Ok(())
                }
            },
        }
    }
}

struct Parser<'s> {
    s: &'s str,
    i: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn eat(&mut self, token: &str) -> bool {
        let hit = self.rest().starts_with(token);
        if hit {
            self.i += token.len();
        }
        hit
    }

    fn ty(&mut self) -> Option<Ty> {
        for prefix in ["&mut ", "&", "*const ", "*mut "] {
            if self.eat(prefix) {
                return Some(Ty::Node(prefix.into(), vec![self.ty()?]));
            }
        }
        if self.eat("#") {
            let digits = self.rest().bytes().take_while(u8::is_ascii_digit).count();
            let n = self.rest()[..digits].parse().ok()?;
            self.i += digits;
            return Some(Ty::Param(n));
        }
        if self.eat("[") {
            let elem = self.ty()?;
            if self.eat("]") {
                return Some(Ty::Node("[]".into(), vec![elem]));
            }
            if !self.eat("; ") {
                return None;
            }
            let len = self.ty()?;
            return self
                .eat("]")
                .then(|| Ty::Node("[;]".into(), vec![elem, len]));
        }
        if self.eat("(") {
            let mut elems = Vec::new();
            while !self.eat(")") {
                elems.push(self.ty()?);
                if !self.eat(", ") && !self.eat(",") && !self.rest().starts_with(')') {
                    return None;
                }
            }
            return Some(Ty::Node("()".into(), elems));
        }
        let start = self.i;
        if self.rest().starts_with('{') {
            // A braced name: up to its matching `}`.
            let mut depth = 0;
            for (k, c) in self.rest().char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            self.i += k + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if depth != 0 {
                return None;
            }
        } else {
            // A path (or a primitive, `'_`, `!`): up to the first delimiter outside it.
            let len = self
                .rest()
                .find(['<', '>', ',', ')', ']', ';'])
                .unwrap_or(self.rest().len());
            self.i += len;
        }
        let head: Rc<str> = self.s[start..self.i].into();
        if head.is_empty() {
            return None;
        }
        let mut args = Vec::new();
        if self.eat("<") {
            loop {
                args.push(self.ty()?);
                if self.eat(">") {
                    break;
                }
                if !self.eat(", ") {
                    return None;
                }
            }
        }
        Some(Ty::Node(head, args))
    }
}

#[cfg(test)]
mod tests {
    use super::Ty;

    #[test]
    fn round_trip_subst_and_bind() {
        for s in [
            "alloc::vec::Vec<#0, alloc::alloc::Global>",
            "&mut (u32, [#1; 3], [u8])",
            "{closure:0011:0022}<#0>",
            "{ty:dyn std::ops::Fn(#0) -> u32}",
            "(u8,)",
            "'_",
        ] {
            assert_eq!(Ty::parse(s).expect(s).to_string(), s);
        }
        let dog = Ty::parse("zoo::Dog").unwrap();
        let t = Ty::parse("&alloc::vec::Vec<#0>").unwrap();
        assert_eq!(
            t.subst(std::slice::from_ref(&dog)).unwrap().to_string(),
            "&alloc::vec::Vec<zoo::Dog>"
        );
        let atom = Ty::parse("{ty:dyn Fn(#0) -> #10}").unwrap();
        assert!(atom.subst(std::slice::from_ref(&dog)).is_none());
        let mut bound = Vec::new();
        let pattern = Ty::parse("(#0, #0)").unwrap();
        assert!(pattern.bind(&Ty::parse("(u8, u8)").unwrap(), &mut bound));
        let mut bound = Vec::new();
        assert!(!pattern.bind(&Ty::parse("(u8, u16)").unwrap(), &mut bound));
    }
}
