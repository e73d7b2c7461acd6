//! `--configuration NAME=FLAGS`: the configurations of a multi-configuration run. Each one is a
//! name and the cargo flags that select it (features, `--target`); the build runs once per
//! configuration and every fact of the linked graph says in which configurations it holds.

use std::collections::BTreeSet;

use anyhow::{Result, bail};
use clap::Parser;
use painter_schema::Configuration;

use super::cargo_flags::CargoFlags;

/// One configuration: its name and its flags, added to the flags given for all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSpec {
    pub name: String,
    /// The flags as given (one word per argument), for the graph's description.
    pub args: Vec<String>,
    flags: ConfigFlags,
}

/// The cargo flags a configuration may set: what selects the code that is compiled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Parser)]
#[command(no_binary_name = true, disable_help_flag = true)]
struct ConfigFlags {
    #[arg(short = 'F', long)]
    features: Vec<String>,
    #[arg(long)]
    all_features: bool,
    #[arg(long)]
    no_default_features: bool,
    #[arg(long)]
    target: Vec<String>,
}

/// Shorthands usable without `=`.
const BUILTIN: &[(&str, &str)] = &[
    ("default", ""),
    ("all-features", "--all-features"),
    ("no-default-features", "--no-default-features"),
];

/// Parse `NAME=FLAGS` (FLAGS split like a shell would) or a builtin name.
pub fn parse(spec: &str) -> Result<ConfigSpec, String> {
    let (name, flags) = match spec.split_once('=') {
        Some((name, flags)) => (name.trim(), flags.to_owned()),
        None => match BUILTIN.iter().find(|(n, _)| *n == spec.trim()) {
            Some((name, flags)) => (*name, flags.to_string()),
            None => {
                let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
                return Err(format!(
                    "`{spec}` is neither NAME=FLAGS nor one of {}",
                    names.join(", ")
                ));
            }
        },
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || "-_.+".contains(c);
    if name.is_empty() || !name.chars().all(valid) {
        return Err(format!(
            "configuration name `{name}` must be letters, digits, `-`, `_`, `.` or `+`"
        ));
    }
    let args = shlex::split(&flags).ok_or_else(|| format!("unbalanced quotes in `{flags}`"))?;
    let flags = ConfigFlags::try_parse_from(&args).map_err(|e| {
        let first = e.to_string();
        let first = first
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ");
        format!(
            "configuration `{name}`: {first} (allowed: --features/-F, --all-features, \
             --no-default-features, --target)"
        )
    })?;
    Ok(ConfigSpec {
        name: name.to_owned(),
        args,
        flags,
    })
}

/// Refuse two configurations of one name: their facts could not be told apart.
pub fn check_unique(specs: &[ConfigSpec]) -> Result<()> {
    let mut seen = BTreeSet::new();
    for spec in specs {
        if !seen.insert(&spec.name) {
            bail!("configuration `{}` is given twice", spec.name);
        }
    }
    Ok(())
}

impl ConfigSpec {
    /// The flags of one build: the run's flags plus this configuration's.
    pub fn apply(&self, base: &CargoFlags) -> CargoFlags {
        let mut flags = base.clone();
        flags.features.extend(self.flags.features.iter().cloned());
        flags.all_features |= self.flags.all_features;
        flags.no_default_features |= self.flags.no_default_features;
        flags.target.extend(self.flags.target.iter().cloned());
        flags
    }

    pub fn describe(&self) -> Configuration {
        Configuration {
            name: self.name.clone(),
            cargo_args: self.args.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_flags() {
        let spec = parse("fast=--features 'simd rayon' --target x86_64-unknown-linux-gnu").unwrap();
        assert_eq!(spec.name, "fast");
        assert_eq!(
            spec.args,
            [
                "--features",
                "simd rayon",
                "--target",
                "x86_64-unknown-linux-gnu"
            ]
        );
        let flags = spec.apply(&CargoFlags {
            features: vec!["std".into()],
            ..CargoFlags::default()
        });
        assert_eq!(flags.features, ["std", "simd rayon"]);
        assert_eq!(flags.target, ["x86_64-unknown-linux-gnu"]);

        let all = parse("all-features").unwrap();
        assert!(all.apply(&CargoFlags::default()).all_features);
        assert_eq!(all.args, ["--all-features"]);
        let default = parse("default").unwrap();
        assert_eq!(default.apply(&CargoFlags::default()), CargoFlags::default());
        let empty = parse("plain=").unwrap();
        assert!(empty.args.is_empty());
        let short = parse("x=-F a,b --no-default-features").unwrap();
        let flags = short.apply(&CargoFlags::default());
        assert_eq!(flags.features, ["a,b"]);
        assert!(flags.no_default_features);
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        assert!(parse("fancy").unwrap_err().contains("neither NAME=FLAGS"));
        assert!(parse("a b=--all-features").unwrap_err().contains("name"));
        assert!(parse("=--all-features").unwrap_err().contains("name"));
        let err = parse("rel=--release").unwrap_err();
        assert!(
            err.contains("configuration `rel`") && err.contains("--release"),
            "{err}"
        );
        assert!(parse("q=--features 'a").unwrap_err().contains("quotes"));
        let twice = [parse("default").unwrap(), parse("default=").unwrap()];
        assert!(check_unique(&twice).is_err());
    }
}
