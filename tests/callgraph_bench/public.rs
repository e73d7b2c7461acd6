//! The call forms of the public rust-callgraph-benchmark (ktrianta/rust-callgraph-benchmark)
//! and where the fixture has each: docs/callgraph-benchmark.md claims every one is covered, and
//! this list makes the claim checkable. A form is covered when an annotation expecting its
//! callee sits on a line whose source contains its snippet, so the form is really written
//! there and its edge is scored (and must be found) like any other.

use std::path::Path;

use crate::annotations::{Expected, Mode};

/// One call form: the public benchmark's package, what the form is, a snippet of the line that
/// writes it in the fixture, and the edge expected there.
pub struct Form {
    pub package: &'static str,
    pub form: &'static str,
    pub snippet: &'static str,
    pub mode: Mode,
    pub callee: &'static str,
}

const fn form(
    package: &'static str,
    form: &'static str,
    snippet: &'static str,
    mode: Mode,
    callee: &'static str,
) -> Form {
    Form {
        package,
        form,
        snippet,
        mode,
        callee,
    }
}

use Mode::{Candidate, Exact, Instance};

// A table: one form per line reads better than rustfmt's seven.
#[rustfmt::skip]
pub const FORMS: &[Form] = &[
    form("structs", "inherent method calling a private one", "self.bark_len()", Exact, "zoo_animals::Dog::bark_len"),
    form("static_dispatch", "constructor returning Self", "Counter::start();", Exact, "zoo_static::Counter::start"),
    form("static_dispatch", "method on a temporary", "Counter::start().add(1)", Exact, "zoo_static::Counter::add"),
    form("static_dispatch", "inherent before trait", "dog.speak()", Exact, "zoo_animals::Dog::speak"),
    form("static_dispatch", "fully qualified trait call", "<Dog as Trick>::speak(&dog)", Exact, "<zoo_animals::Dog as zoo_traits::Trick>::speak"),
    form("static_dispatch", "&self trait method before &mut self inherent", "dog.wag()", Exact, "<zoo_animals::Dog as zoo_traits::Tail>::wag"),
    form("static_dispatch", "private inherent skipped", "dog.roll()", Exact, "<zoo_animals::Dog as zoo_traits::Trick>::roll"),
    form("static_dispatch", "overriding associated fn", "<Dog as Describe>::kind()", Exact, "<zoo_animals::Dog as zoo_traits::Describe>::kind"),
    form("static_dispatch", "inherited default associated fn", "Cat::kind()", Exact, "zoo_traits::Describe::kind"),
    form("dynamic_dispatch", "method on a trait object", "a.speak()", Candidate, "<zoo_animals::Dog as zoo_traits::Animal>::speak"),
    form("dynamic_dispatch", "Trait::method(object)", "Animal::speak(a)", Exact, "zoo_traits::Animal::speak"),
    form("dynamic_dispatch", "generic trait object", "m.measure()", Exact, "zoo_traits::Meter::measure"),
    form("dynamic_dispatch", "elements of a Vec<&dyn Trait>", "animal.speak()", Exact, "zoo_traits::Animal::speak"),
    form("dynamic_dispatch", "`as` cast to a trait object", "&Robot as &dyn Animal", Exact, "zoo_dyn::call_dyn_ufcs"),
    form("generics", "local bound", "t.groom()", Instance, "<zoo_animals::Dog as zoo_generic::Groom>::groom"),
    form("generics", "foreign bound", "t.feed()", Instance, "<zoo_animals::Parrot as zoo_traits::bounds::Feed>::feed"),
    form("generics", "generic struct's method", "cage.rattle()", Exact, "zoo_generic::Cage::<T>::rattle"),
    form("function_pointers", "inherent method as a pointer", "f(d)", Candidate, "zoo_animals::Dog::speak"),
    form("function_pointers", "<T as Trait> method as a pointer", "f(d)", Candidate, "<zoo_animals::Dog as zoo_traits::Trick>::roll"),
    form("function_pointers", "generic fn pointer", "f(t)", Candidate, "<zoo_animals::Dog as zoo_traits::Animal>::speak"),
    form("function_pointers", "&dyn Fn", "f(d)", Exact, "core::ops::function::Fn::call"),
    form("conditionally_compiled", "feature-gated private fn", "greet_inner(a)", Exact, "zoo_cfg::greet_inner"),
    form("macros", "Vec::push in an exported macro_rules!", "out.push(", Exact, "alloc::vec::Vec::<T, A>::push"),
    form("macros", "derive-generated method calling another", "#[derive(Chatter)]", Exact, "<zoo_macros::Bird as zoo_traits::Chatter>::pitch"),
    form("main", "fn items called through fn() pointers", "scenario()", Candidate, "zoo_static::plain"),
    form("main", "std trait method on a std type", "\"!\".to_string()", Exact, "<T as alloc::string::ToString>::to_string"),
    form("main", "std trait method by path", "ToString::to_string(\"!!!\")", Exact, "<T as alloc::string::ToString>::to_string"),
    form("main", "std impl of Clone", "one.clone()", Exact, "<alloc::string::String as core::clone::Clone>::clone"),
    form("beyond it", "derived Clone", "collar.clone()", Exact, "<zoo_static::Collar as core::clone::Clone>::clone"),
    form("beyond it", "derived Clone through a generic bound", "t.clone()", Instance, "<zoo_animals::Dog as core::clone::Clone>::clone"),
];

/// The forms no annotation covers, described.
pub fn uncovered(root: &Path, expected: &[Expected]) -> Vec<String> {
    let line_text = |e: &Expected| {
        let text = std::fs::read_to_string(root.join(&e.file)).expect("annotated file");
        text.lines()
            .nth(e.line as usize - 1)
            .unwrap_or("")
            .to_string()
    };
    FORMS
        .iter()
        .filter(|f| {
            !expected.iter().any(|e| {
                e.mode == f.mode && e.callee == f.callee && line_text(e).contains(f.snippet)
            })
        })
        .map(|f| {
            format!(
                "{}: {} (`{}`, {} {})",
                f.package, f.form, f.snippet, f.mode, f.callee
            )
        })
        .collect()
}
