//! The cargo features the E0133 oracle runs a workspace with, and the real crates with theirs:
//! both painter and rustc get the features, and the run fails unless painter's per-crate file
//! shows them applied and the code only they compile analysed.

use std::collections::BTreeMap;

use painter_schema::CrateGraph;

/// The cargo features both runs enable (`--features`), and unsafe code only they compile:
/// (a fragment of a function's path, an op kind) pairs, each of which must be among painter's
/// ops for the package — so compared with rustc's errors too.
pub struct Features<'a> {
    pub names: &'a [&'a str],
    pub gated: &'a [(&'a str, &'a str)],
}

impl Features<'_> {
    pub fn cargo_args(&self) -> Vec<String> {
        if self.names.is_empty() {
            Vec::new()
        } else {
            vec!["--features".to_string(), self.names.join(",")]
        }
    }

    /// Why the package's primary units (`graphs`: its lib, build script…) show the features
    /// were not applied: a unit without one of them, or no unit with the gated code.
    pub fn not_applied(&self, package: &str, graphs: &[&CrateGraph]) -> Vec<String> {
        let mut problems = Vec::new();
        for graph in graphs {
            let had = &graph.krate.features;
            for name in self.names {
                if !had.iter().any(|f| f == name) {
                    let kind = &graph.krate.kind;
                    problems.push(format!(
                        "{package} ({kind}): feature `{name}` not applied (crate.features: {had:?})"
                    ));
                }
            }
        }
        for (fragment, kind) in self.gated {
            let found = graphs.iter().any(|graph| {
                let paths: BTreeMap<&str, &str> = graph
                    .functions
                    .iter()
                    .map(|f| (f.id.as_str(), f.path.as_str()))
                    .collect();
                graph.unsafe_ops.iter().any(|op| {
                    op.kind.to_string() == *kind
                        && paths
                            .get(op.function.as_str())
                            .is_some_and(|p| p.contains(fragment))
                })
            });
            if !found {
                problems.push(format!(
                    "{package}: no `{kind}` in a function `{fragment}`: the feature-gated code was not analysed"
                ));
            }
        }
        problems
    }
}

pub const DEFAULT: Features = Features {
    names: &[],
    gated: &[],
};

/// The crates of `tests/fixtures/unsafe-heavy` and the features each is run with. A crate
/// whose unsafe code differs with a feature (smallvec's `union` makes its inline/heap storage
/// a union instead of an enum, ryu's `small` computes tables with unchecked indexing) is run
/// with and without it; libc's `extra_traits` only adds code (impls reading union fields).
pub const REAL_CRATES: &[(&str, Features)] = &[
    ("memchr", DEFAULT),
    ("smallvec", DEFAULT),
    (
        "smallvec",
        Features {
            names: &[
                "union",
                "const_generics",
                "const_new",
                "drain_filter",
                "drain_keep_rest",
                "write",
            ],
            gated: &[
                ("smallvec::SmallVecData::<A>::heap", "access_union_field"),
                ("smallvec::SmallVec::<A>::drain_filter", "call_unsafe_fn"),
                (
                    "smallvec::DrainFilter::<'_, T, F>::keep_rest",
                    "call_unsafe_fn",
                ),
            ],
        },
    ),
    ("bytes", DEFAULT),
    ("hashbrown", DEFAULT),
    ("itoa", DEFAULT),
    ("ryu", DEFAULT),
    (
        "ryu",
        Features {
            names: &["small"],
            gated: &[("ryu::d2s_small_table::compute_pow5", "call_unsafe_fn")],
        },
    ),
    (
        "libc",
        Features {
            names: &["extra_traits"],
            gated: &[(" as core::cmp::PartialEq>::eq", "access_union_field")],
        },
    ),
    ("zmij", DEFAULT),
];
