//! From an advisory's function path to the graph's functions. Advisories name items the way
//! users write them (`smallvec::SmallVec::insert_many`), the graph by rustc's def paths
//! (`smallvec::SmallVec::<A>::insert_many`, `<x::T as core::ops::drop::Drop>::drop`), so a path is
//! matched by the first of these rules that finds anything, and every match says which rule:
//!
//! 1. `def_path`: the def path without generic arguments is the advisory path; for a trait
//!    method, the crate's impls of it come too (`trait_impl_of_method`);
//! 2. `trait_impl`: a trait impl's method whose self type (`impl_self_ty`, without generic
//!    arguments) and name make the path (`internment::ArcIntern::drop`);
//! 3. `moved`: a public function whose path ends like the advisory path and contains its
//!    other segments in order (re-exports, modules moved between versions:
//!    `lettre::smtp::SmtpTransport::send` → `lettre::transport::smtp::SmtpTransport::send`);
//! 4. `type_methods`: the path names a type, not a function: every method of the type (at the
//!    type's path, or at a path rule 3 would accept).
//!
//! A path that matches nothing is diagnosed from the crate's sources ([`diagnose_missing`]).

use std::path::{Path, PathBuf};

use painter_query::CallGraph;
use painter_schema::{Function, FunctionKind, LinkedGraph};
use petgraph::graph::NodeIndex;
use serde::Serialize;

/// Which rule matched a function (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    DefPath,
    TraitImplOfMethod,
    TraitImpl,
    Moved,
    TypeMethods,
}

impl Rule {
    pub fn describe(self) -> &'static str {
        match self {
            Rule::DefPath => "def path",
            Rule::TraitImplOfMethod => "impl of the trait method",
            Rule::TraitImpl => "trait impl method of the type",
            Rule::Moved => "public function at another path (re-export or moved module)",
            Rule::TypeMethods => "method of the named type",
        }
    }
}

/// A graph function an advisory path was matched to.
#[derive(Debug, Clone)]
pub struct Matched<'g> {
    pub node: NodeIndex,
    pub function: &'g Function,
    pub rule: Rule,
}

/// The functions of the crates `crate_keys` that `advisory_path` names (module docs).
pub fn find<'g>(
    cg: &CallGraph<'g>,
    graph: &'g LinkedGraph,
    crate_keys: &[String],
    advisory_path: &str,
) -> Vec<Matched<'g>> {
    let target: Vec<String> = segments(&strip_generics(advisory_path));
    let functions: Vec<&'g Function> = crate_keys
        .iter()
        .filter_map(|k| graph.crates.get(k))
        .flat_map(|k| &k.functions)
        .filter(|f| is_item(f))
        .collect();
    let matched = |rule: Rule, keep: &dyn Fn(&Function) -> bool| -> Vec<Matched<'g>> {
        functions
            .iter()
            .filter(|f| keep(f))
            .filter_map(|f| {
                Some(Matched {
                    node: cg.by_id(&f.id)?,
                    function: f,
                    rule,
                })
            })
            .collect()
    };

    let mut found = matched(Rule::DefPath, &|f| {
        !f.path.starts_with('<') && segments(&strip_generics(&f.path)) == target
    });
    if !found.is_empty() {
        let decls: Vec<&str> = found
            .iter()
            .filter(|m| m.function.kind == FunctionKind::TraitMethod)
            .map(|m| &*m.function.id)
            .collect();
        found.extend(matched(Rule::TraitImplOfMethod, &|f| {
            f.implements.as_deref().is_some_and(|d| decls.contains(&d))
        }));
        return found;
    }
    let found = matched(Rule::TraitImpl, &|f| {
        self_form(f).is_some_and(|s| s == target)
    });
    if !found.is_empty() {
        return found;
    }
    let found = matched(Rule::Moved, &|f| {
        f.public && forms(f).iter().any(|form| moved_match(&target, form))
    });
    if !found.is_empty() {
        return found;
    }
    // The type itself may have moved too (`lock_api::MappedMutexGuard` is defined in
    // `lock_api::mutex`): its methods' paths without the method name match like rule 3.
    matched(Rule::TypeMethods, &|f| {
        forms(f).iter().any(|form| {
            let Some((_, owner)) = form.split_last() else {
                return false;
            };
            owner == target.as_slice() || (f.public && moved_match(&target, owner))
        })
    })
}

/// Functions an advisory can name: fns and methods, not closures, consts or glue (a closure is
/// reached through its function).
fn is_item(f: &Function) -> bool {
    matches!(
        f.kind,
        FunctionKind::Fn
            | FunctionKind::Method
            | FunctionKind::TraitMethod
            | FunctionKind::ImplMethod
            | FunctionKind::ForeignFn
    )
}

/// `Type::method` of a trait impl method, from `impl_self_ty` (generic arguments, references
/// and lifetimes removed).
fn self_form(f: &Function) -> Option<Vec<String>> {
    let self_ty = f.impl_self_ty.as_deref()?;
    let self_ty = self_ty.trim_start_matches('&').trim_start();
    let self_ty = match self_ty.strip_prefix('\'') {
        Some(rest) => rest.split_once(' ').map_or(rest, |(_, t)| t),
        None => self_ty,
    };
    let self_ty = self_ty.strip_prefix("mut ").unwrap_or(self_ty);
    let mut form = segments(&strip_generics(self_ty));
    form.push(method_name(&f.path).to_string());
    Some(form)
}

/// The paths a function can be named by: its def path (unless qualified, `<T as Trait>::m`)
/// and its impl's `Type::method`.
fn forms(f: &Function) -> Vec<Vec<String>> {
    let mut forms = Vec::new();
    if !f.path.starts_with('<') {
        forms.push(segments(&strip_generics(&f.path)));
    }
    forms.extend(self_form(f));
    forms
}

/// Same crate, same last segment (and the one before it when the advisory names a method),
/// and the advisory's other segments in order in the function's path.
fn moved_match(target: &[String], form: &[String]) -> bool {
    if target.len() < 2 || form.len() < 2 || target[0] != form[0] {
        return false;
    }
    let tail = (target.len() - 1).min(2);
    if !form.ends_with(&target[target.len() - tail..]) {
        return false;
    }
    let mut rest = form[1..].iter();
    target[1..].iter().all(|seg| rest.any(|s| s == seg))
}

fn method_name(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

fn segments(path: &str) -> Vec<String> {
    path.split("::").map(|s| s.trim().to_string()).collect()
}

/// `path` without generic argument lists: `a::B::<T>::f` and `a::B<T>::f` give `a::B::f`.
pub fn strip_generics(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0u32;
    let mut prev = ' ';
    for c in path.chars() {
        if depth > 0 {
            match c {
                '<' => depth += 1,
                // `->` inside `Fn(A) -> B` does not close anything.
                '>' if prev != '-' => depth -= 1,
                _ => {}
            }
        } else if c == '<' && (prev.is_alphanumeric() || prev == '_' || prev == ':') {
            depth = 1;
            if out.ends_with("::") {
                out.truncate(out.len() - 2);
            }
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// Why no function of the package matched `advisory_path`, from the package's sources when
/// they are on this machine. The path's last segment must be defined as `fn NAME`, and its
/// parent as a type (`struct`/`enum`/`trait`/`union`/`type`) when capitalised, else as a
/// module (`mod NAME`) unless it is the crate. All there: this build leaves the function out
/// (a `cfg`, a feature, a target) or has it where the rules do not look; something missing:
/// the path does not exist in this version (renamed, moved or added later).
pub fn diagnose_missing(graph: &LinkedGraph, crate_keys: &[String], advisory_path: &str) -> String {
    let segments = segments(&strip_generics(advisory_path));
    let name = segments.last().map_or("", String::as_str);
    let parent = (segments.len() > 2).then(|| segments[segments.len() - 2].as_str());
    let crates: Vec<_> = crate_keys
        .iter()
        .filter_map(|k| graph.crates.get(k))
        .collect();
    let dir = crates
        .iter()
        .find_map(|k| k.krate.manifest_dir.as_deref())
        .and_then(resolve_dir);
    let failed = crates
        .iter()
        .any(|k| k.status != painter_schema::Status::Ok);
    let sources = dir.and_then(|d| read_sources(&d.join("src")));
    let what = match sources {
        Some(sources) => {
            let mut missing = Vec::new();
            if !defines(&sources, &["fn"], name) {
                missing.push(format!("`fn {name}`"));
            }
            // A capitalised parent is a type, another one a module.
            if let Some(p) = parent {
                let (keywords, what): (&[&str], String) = if p.starts_with(char::is_uppercase) {
                    (
                        &["struct", "enum", "trait", "union", "type"],
                        format!("type `{p}`"),
                    )
                } else {
                    (&["mod"], format!("`mod {p}`"))
                };
                if !defines(&sources, keywords, p) {
                    missing.push(what);
                }
            }
            if missing.is_empty() {
                let place = parent.map(|p| format!(" and `{p}`")).unwrap_or_default();
                format!(
                    "the package's sources define `fn {name}`{place}, but this build has no \
                     function at that path: compiled out (cfg, feature or target) or at a path \
                     the matching rules do not find"
                )
            } else {
                format!(
                    "the package's sources have no {}: the path does not exist in this version \
                     (renamed, moved or added later)",
                    missing.join(" and no ")
                )
            }
        }
        None => "no function of the package matches (its sources are not on this machine to \
                 say why: renamed, compiled out or not in this version)"
            .to_string(),
    };
    if failed {
        format!("{what}; note: the analysis of the package failed, its graph may be incomplete")
    } else {
        what
    }
}

/// A `manifest_dir` of the graph as a directory of this machine (docs/schema.md, "Paths").
fn resolve_dir(dir: &str) -> Option<PathBuf> {
    if let Some(rest) = dir.strip_prefix("$CARGO_REGISTRY/") {
        return Some(crate::db::cargo_home()?.join("registry/src").join(rest));
    }
    if let Some(rest) = dir.strip_prefix("$CARGO_GIT/") {
        return Some(crate::db::cargo_home()?.join("git/checkouts").join(rest));
    }
    let dir = PathBuf::from(dir);
    dir.is_absolute().then_some(dir)
}

/// The text of every `.rs` file below `dir`; `None` when `dir` cannot be read.
fn read_sources(dir: &Path) -> Option<Vec<String>> {
    let mut texts = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut read_any = false;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        read_any = true;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                texts.push(text);
            }
        }
    }
    read_any.then_some(texts)
}

/// Whether one of `sources` has `KEYWORD NAME` for one of `keywords`, followed by something
/// that ends the name (`(`, `<`, `{`, `;`, `:`, `=`, whitespace).
fn defines(sources: &[String], keywords: &[&str], name: &str) -> bool {
    keywords.iter().any(|keyword| {
        let needle = format!("{keyword} {name}");
        sources.iter().any(|text| {
            text.match_indices(&needle).any(|(i, _)| {
                let before_ok = text[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|c| !c.is_alphanumeric() && c != '_');
                let after = text[i + needle.len()..].chars().next();
                before_ok && after.is_none_or(|c| "(<{;:= \n\t\r".contains(c))
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(p: &str) -> Vec<String> {
        segments(p)
    }

    #[test]
    fn generic_arguments_are_removed() {
        assert_eq!(
            strip_generics("smallvec::SmallVec::<A>::insert_many"),
            "smallvec::SmallVec::insert_many"
        );
        assert_eq!(strip_generics("a::B<T, Vec<U>>::f"), "a::B::f");
        assert_eq!(strip_generics("a::Call<F: Fn(u8) -> u8>::f"), "a::Call::f");
        assert_eq!(
            strip_generics("crayon::ObjectPool<H,T>::free"),
            "crayon::ObjectPool::free"
        );
    }

    #[test]
    fn moved_paths_keep_the_advisory_segments_in_order() {
        let target = seg("lettre::smtp::SmtpTransport::send");
        assert!(moved_match(
            &target,
            &seg("lettre::transport::smtp::SmtpTransport::send")
        ));
        assert!(!moved_match(
            &target,
            &seg("lettre::transport::SmtpTransport::send")
        ));
        assert!(!moved_match(&target, &seg("lettre::smtp::Other::send")));
        assert!(!moved_match(
            &target,
            &seg("other::smtp::SmtpTransport::send")
        ));
        assert!(moved_match(
            &seg("image::Bgr::from_slice_mut"),
            &seg("image::color::Bgr::from_slice_mut")
        ));
        // A free function: the name and the crate.
        assert!(moved_match(&seg("time::now"), &seg("time::sys::now")));
    }

    #[test]
    fn sources_say_whether_an_item_is_defined() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::write(
            dir.path().join("a/m.rs"),
            "pub fn quote<'a>(s: &'a str) {}\nfn joined() {}\npub mod bytes;\nstruct Tm {",
        )
        .unwrap();
        let sources = read_sources(dir.path()).unwrap();
        assert!(defines(&sources, &["fn"], "quote"));
        assert!(!defines(&sources, &["fn"], "join"));
        assert!(defines(&sources, &["mod"], "bytes"));
        assert!(defines(&sources, &["struct", "enum"], "Tm"));
        assert!(!defines(&sources, &["struct", "enum"], "T"));
        assert!(read_sources(&dir.path().join("none")).is_none());
    }
}
