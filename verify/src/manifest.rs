//! The two manifests of a package. `cargo package` keeps the author's manifest as
//! `Cargo.toml.orig` and writes a normalised `Cargo.toml` (cargo's
//! `src/cargo/util/toml/mod.rs`, `prepare_for_publish`): workspace inheritance resolved, path
//! and git dependencies reduced to their registry version, dev-dependencies without a version
//! dropped, every target written out, `readme`/`license-file` from outside the package moved to
//! its root. The normalised one is what cargo builds a dependency from, so a publisher who edits
//! it after packaging changes the build without touching any file the repository has. It is
//! not compared byte for byte (its layout changes with cargo's version) but by what decides the
//! build: name, version, `links`, dependencies, features, build script, library path and kind.

use std::collections::{BTreeMap, BTreeSet};

use toml::{Table, Value};

pub fn parse(bytes: &[u8], what: &str) -> Result<Table, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| format!("{what} is not UTF-8"))?;
    text.parse::<Table>()
        .map_err(|e| format!("{what} does not parse: {}", e.message()))
}

fn package(t: &Table) -> Option<&Table> {
    t.get("package")
        .or_else(|| t.get("project"))
        .and_then(Value::as_table)
}

pub fn package_name(t: &Table) -> Option<&str> {
    package(t)?.get("name")?.as_str()
}

pub fn repository(t: &Table) -> Option<String> {
    package(t)?.get("repository")?.as_str().map(str::to_string)
}

/// Whether the manifest declares a workspace (it is a workspace root).
pub fn is_workspace_root(t: &Table) -> bool {
    t.get("workspace").is_some_and(Value::is_table)
}

/// `package.workspace`: the explicit path to the workspace root, relative to the package.
pub fn workspace_path(t: &Table) -> Option<&str> {
    package(t)?.get("workspace")?.as_str()
}

fn is_inherited(v: &Value) -> bool {
    v.as_table()
        .and_then(|t| t.get("workspace"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// `package.<key>` of the author's manifest with `{ workspace = true }` resolved from the
/// workspace root's `[workspace.package]`; `true` in the second place when inherited.
fn package_field(orig: &Table, ws: Option<&Table>, key: &str) -> Option<(Value, bool)> {
    let v = package(orig)?.get(key)?;
    if !is_inherited(v) {
        return Some((v.clone(), false));
    }
    let inherited = ws?.get("workspace")?.get("package")?.get(key)?.clone();
    Some((inherited, true))
}

/// `a/b` + `../c` → `a/c`; `None` when it climbs out of the repository.
pub fn join(base: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Files of the package that cargo took from elsewhere: `(file in the package, file in the
/// repository)` for a `readme` or `license-file` whose path leaves the package directory
/// (cargo copies it to the package root under its file name). `pkg_dir` and `ws_dir` are
/// directories of the repository (`""`: its root).
pub fn outside_sources(
    normalised: &Table,
    orig: &Table,
    ws: Option<(&str, &Table)>,
    pkg_dir: &str,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in ["readme", "license-file"] {
        let Some(in_package) = package(normalised)
            .and_then(|p| p.get(key))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let Some((value, inherited)) = package_field(orig, ws.map(|(_, t)| t), key) else {
            continue;
        };
        let Some(written) = value.as_str() else {
            continue;
        };
        // An inherited path is relative to the workspace root, an own one to the package.
        let base = match (inherited, ws) {
            (true, Some((dir, _))) => dir,
            _ => pkg_dir,
        };
        let Some(source) = join(base, written) else {
            continue;
        };
        let default = join(pkg_dir, in_package);
        if Some(&source) != default.as_ref() {
            out.push((in_package.to_string(), source));
        }
    }
    out
}

/// One dependency, as far as the build is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dep {
    package: Option<String>,
    req: Option<String>,
    optional: bool,
    default_features: bool,
    features: BTreeSet<String>,
    has_path_or_git: bool,
}

/// `(target cfg or "", kind)` → dependencies by name.
type Deps = BTreeMap<(String, &'static str), BTreeMap<String, Dep>>;

const KINDS: [(&str, &str, &str); 3] = [
    ("dependencies", "dependencies", "dependencies"),
    ("dev-dependencies", "dev_dependencies", "dev-dependencies"),
    (
        "build-dependencies",
        "build_dependencies",
        "build-dependencies",
    ),
];

fn collect_deps(t: &Table, ws: Option<&Table>) -> Deps {
    let mut deps = Deps::new();
    let mut add = |target: &str, table: &Table| {
        for (key, alias, kind) in KINDS {
            let Some(list) = table
                .get(key)
                .or_else(|| table.get(alias))
                .and_then(Value::as_table)
            else {
                continue;
            };
            let entry = deps.entry((target.to_string(), kind)).or_default();
            for (name, spec) in list {
                entry.insert(name.clone(), dep(name, spec, ws));
            }
        }
    };
    add("", t);
    if let Some(targets) = t.get("target").and_then(Value::as_table) {
        for (cfg, table) in targets {
            if let Some(table) = table.as_table() {
                add(cfg, table);
            }
        }
    }
    deps
}

fn dep(name: &str, spec: &Value, ws: Option<&Table>) -> Dep {
    let mut d = Dep {
        package: None,
        req: None,
        optional: false,
        default_features: true,
        features: BTreeSet::new(),
        has_path_or_git: false,
    };
    let read = |d: &mut Dep, spec: &Value| match spec {
        Value::String(req) => d.req = Some(req.clone()),
        Value::Table(t) => {
            if let Some(v) = t.get("version").and_then(Value::as_str) {
                d.req = Some(v.to_string());
            }
            if let Some(p) = t.get("package").and_then(Value::as_str) {
                d.package = Some(p.to_string());
            }
            if let Some(df) = t
                .get("default-features")
                .or_else(|| t.get("default_features"))
                .and_then(Value::as_bool)
            {
                d.default_features = df;
            }
            if let Some(fs) = t.get("features").and_then(Value::as_array) {
                d.features
                    .extend(fs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            d.has_path_or_git |= t.contains_key("path") || t.contains_key("git");
        }
        _ => {}
    };
    if is_inherited(spec) {
        if let Some(base) = ws
            .and_then(|w| w.get("workspace"))
            .and_then(|w| w.get("dependencies"))
            .and_then(|d| d.get(name))
        {
            read(&mut d, base);
        }
        // The member adds features and optionality; the rest is the workspace's.
        if let Some(t) = spec.as_table() {
            if let Some(fs) = t.get("features").and_then(Value::as_array) {
                d.features
                    .extend(fs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            d.optional = t.get("optional").and_then(Value::as_bool).unwrap_or(false);
        }
    } else {
        read(&mut d, spec);
        d.optional = spec
            .get("optional")
            .and_then(Value::as_bool)
            .unwrap_or(false);
    }
    d
}

/// A version requirement as written, without what does not change it (`^`, spaces).
fn req_key(req: &str) -> String {
    req.split(',')
        .map(|r| r.trim().trim_start_matches('^').replace(' ', ""))
        .collect::<Vec<_>>()
        .join(",")
}

fn features(t: &Table) -> BTreeMap<String, BTreeSet<String>> {
    t.get("features")
        .and_then(Value::as_table)
        .map(|fs| {
            fs.iter()
                .map(|(k, v)| {
                    let list = v
                        .as_array()
                        .map(|a| {
                            a.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_string)
                                .collect()
                        })
                        .unwrap_or_default();
                    (k.clone(), list)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn show(v: Option<&Value>) -> String {
    v.map_or("nothing".to_string(), |v| v.to_string())
}

fn strip_dot(p: &str) -> &str {
    p.trim_start_matches("./")
}

/// What the normalised manifest says that the author's manifest (with the workspace's
/// inherited values) does not: one line per difference, empty when they agree.
/// `has_file` says whether the package has a file (for cargo's auto-detected build script).
pub fn check_normalised(
    normalised: &Table,
    orig: &Table,
    ws: Option<&Table>,
    has_file: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["name", "version", "links"] {
        let n = package(normalised).and_then(|p| p.get(key));
        let o = package_field(orig, ws, key).map(|(v, _)| v);
        if n != o.as_ref() {
            out.push(format!(
                "package.{key} is {} in Cargo.toml but {} in Cargo.toml.orig",
                show(n),
                show(o.as_ref())
            ));
        }
    }
    // The build script: explicit in the original, or `build.rs` when cargo found one.
    let n_build = package(normalised).and_then(|p| p.get("build"));
    let o_build = package(orig).and_then(|p| p.get("build"));
    let build_ok = match (n_build, o_build) {
        (Some(Value::String(n)), Some(Value::String(o))) => strip_dot(n) == strip_dot(o),
        (Some(Value::String(n)), None) => strip_dot(n) == "build.rs" && has_file("build.rs"),
        (None | Some(Value::Boolean(false)), None | Some(Value::Boolean(false))) => true,
        (None | Some(Value::Boolean(false)), Some(Value::Boolean(true))) => !has_file("build.rs"),
        (None | Some(Value::Boolean(false)), Some(Value::String(_))) => false,
        (n, o) => n == o,
    };
    if !build_ok {
        out.push(format!(
            "the build script is {} in Cargo.toml but {} in Cargo.toml.orig",
            show(n_build),
            show(o_build)
        ));
    }
    let lib = |t: &Table, key: &str, alias: &str| -> Option<Value> {
        let lib = t.get("lib")?.as_table()?;
        lib.get(key).or_else(|| lib.get(alias)).cloned()
    };
    let (n_pm, o_pm) = (
        lib(normalised, "proc-macro", "proc_macro"),
        lib(orig, "proc-macro", "proc_macro"),
    );
    if n_pm.as_ref().and_then(Value::as_bool).unwrap_or(false)
        != o_pm.as_ref().and_then(Value::as_bool).unwrap_or(false)
    {
        out.push(format!(
            "lib.proc-macro is {} in Cargo.toml but {} in Cargo.toml.orig",
            show(n_pm.as_ref()),
            show(o_pm.as_ref())
        ));
    }
    let n_path = lib(normalised, "path", "path");
    let o_path = lib(orig, "path", "path");
    let n_path = n_path.as_ref().and_then(Value::as_str).map(strip_dot);
    let o_path = o_path.as_ref().and_then(Value::as_str).map(strip_dot);
    if let Some(n) = n_path
        && n != o_path.unwrap_or("src/lib.rs")
    {
        out.push(format!(
            "the library is `{n}` in Cargo.toml but `{}` in Cargo.toml.orig",
            o_path.unwrap_or("src/lib.rs")
        ));
    }
    if features(normalised) != features(orig) {
        out.push("the [features] of Cargo.toml and Cargo.toml.orig differ".to_string());
    }
    out.extend(compare_deps(
        &collect_deps(normalised, None),
        &collect_deps(orig, ws),
    ));
    out
}

fn compare_deps(normalised: &Deps, orig: &Deps) -> Vec<String> {
    let mut out = Vec::new();
    let place = |(target, kind): &(String, &str)| {
        if target.is_empty() {
            format!("[{kind}]")
        } else {
            format!("[target.'{target}'.{kind}]")
        }
    };
    let empty = BTreeMap::new();
    let keys: BTreeSet<&(String, &str)> = normalised.keys().chain(orig.keys()).collect();
    for key in keys {
        let n = normalised.get(key).unwrap_or(&empty);
        let o = orig.get(key).unwrap_or(&empty);
        for (name, nd) in n {
            let Some(od) = o.get(name) else {
                out.push(format!(
                    "dependency `{name}` in {} of Cargo.toml is not in Cargo.toml.orig",
                    place(key)
                ));
                continue;
            };
            let mut diffs = Vec::new();
            if nd.package != od.package {
                diffs.push("package");
            }
            if nd.req.as_deref().map(req_key) != od.req.as_deref().map(req_key) {
                diffs.push("version");
            }
            if nd.optional != od.optional {
                diffs.push("optional");
            }
            if nd.default_features != od.default_features {
                diffs.push("default-features");
            }
            if nd.features != od.features {
                diffs.push("features");
            }
            if !diffs.is_empty() {
                out.push(format!(
                    "dependency `{name}` in {}: {} differ{} between Cargo.toml and Cargo.toml.orig",
                    place(key),
                    diffs.join(", "),
                    if diffs.len() == 1 { "s" } else { "" }
                ));
            }
        }
        for (name, od) in o {
            // cargo drops dev-dependencies that only have a path or git source.
            let dropped = key.1 == "dev-dependencies" && od.req.is_none() && od.has_path_or_git;
            if !n.contains_key(name) && !dropped {
                out.push(format!(
                    "dependency `{name}` in {} of Cargo.toml.orig is missing from Cargo.toml",
                    place(key)
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Table {
        s.parse().unwrap()
    }

    const WS: &str = r#"
[workspace]
members = ["crates/sub"]
[workspace.package]
version = "0.3.1"
readme = "README.md"
[workspace.dependencies]
itoa = { version = "1", default-features = false }
"#;

    const ORIG: &str = r#"
[package]
name = "sub"
version.workspace = true
readme.workspace = true
license-file = "../../LICENSE-MIT"
[dependencies]
itoa = { workspace = true, features = ["x"], optional = true }
cfg-if = "1.0"
[dev-dependencies]
helper = { path = "../helper" }
[features]
default = ["itoa"]
"#;

    const NORMALISED: &str = r#"
[package]
name = "sub"
version = "0.3.1"
build = false
readme = "README.md"
license-file = "LICENSE-MIT"
[lib]
name = "sub"
path = "src/lib.rs"
[dependencies.itoa]
version = "1"
features = ["x"]
optional = true
default-features = false
[dependencies.cfg-if]
version = "1.0"
[features]
default = ["itoa"]
"#;

    #[test]
    fn a_faithful_normalisation_agrees() {
        let ws = t(WS);
        let issues = check_normalised(&t(NORMALISED), &t(ORIG), Some(&ws), &|_| false);
        assert!(issues.is_empty(), "{issues:?}");
        let moved = outside_sources(&t(NORMALISED), &t(ORIG), Some(("", &ws)), "crates/sub");
        assert_eq!(
            moved,
            [
                ("README.md".to_string(), "README.md".to_string()),
                ("LICENSE-MIT".to_string(), "LICENSE-MIT".to_string())
            ]
        );
    }

    #[test]
    fn edits_after_packaging_are_named() {
        let ws = t(WS);
        let tampered = NORMALISED.replace(
            "[dependencies.cfg-if]\nversion = \"1.0\"",
            "[dependencies.cfg-if]\nversion = \"1.0\"\n[dependencies.evil]\nversion = \"0.1\"\n[build-dependencies.cc]\nversion = \"1\"",
        ) + "\n";
        let tampered = tampered.replace("build = false", "build = \"build.rs\"");
        // A build script the package does not have is named; one it has is cargo's
        // auto-detection (and the file itself is compared with the repository's).
        let issues = check_normalised(&t(&tampered), &t(ORIG), Some(&ws), &|_| false);
        assert!(issues.iter().any(|i| i.contains("`evil`")), "{issues:?}");
        assert!(
            issues
                .iter()
                .any(|i| i.contains("`cc` in [build-dependencies]")),
            "{issues:?}"
        );
        assert!(
            issues.iter().any(|i| i.contains("build script")),
            "{issues:?}"
        );
        let issues = check_normalised(&t(&tampered), &t(ORIG), Some(&ws), &|f| f == "build.rs");
        assert!(
            !issues.iter().any(|i| i.contains("build script")),
            "{issues:?}"
        );
        let bumped = NORMALISED.replace("version = \"1\"\nfeatures", "version = \"0.4\"\nfeatures");
        let issues = check_normalised(&t(&bumped), &t(ORIG), Some(&ws), &|_| false);
        assert_eq!(issues.len(), 1, "{issues:?}");
        assert!(
            issues[0].contains("`itoa`") && issues[0].contains("version"),
            "{issues:?}"
        );
        // Without the workspace, inherited values are unknown: the version cannot agree.
        let issues = check_normalised(&t(NORMALISED), &t(ORIG), None, &|_| false);
        assert!(
            issues.iter().any(|i| i.contains("package.version")),
            "{issues:?}"
        );
    }

    #[test]
    fn paths() {
        assert_eq!(
            join("crates/sub", "../../README.md").as_deref(),
            Some("README.md")
        );
        assert_eq!(join("", "./a/b").as_deref(), Some("a/b"));
        assert_eq!(join("a", "../../x"), None);
    }
}
