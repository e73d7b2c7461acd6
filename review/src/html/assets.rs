//! The report's fixed files, kept as plain files in `review/assets/` (edited and reviewed as
//! HTML, CSS and JavaScript; no build step) and compiled in.

/// `(path in the report, contents)`.
pub const FILES: &[(&str, &str)] = &[
    ("index.html", include_str!("../../assets/index.html")),
    ("crate.html", include_str!("../../assets/crate.html")),
    ("paths.html", include_str!("../../assets/paths.html")),
    ("diff.html", include_str!("../../assets/diff.html")),
    ("search.html", include_str!("../../assets/search.html")),
    ("assets/report.css", include_str!("../../assets/report.css")),
    ("assets/common.js", include_str!("../../assets/common.js")),
    (
        "assets/overview.js",
        include_str!("../../assets/overview.js"),
    ),
    ("assets/crate.js", include_str!("../../assets/crate.js")),
    ("assets/paths.js", include_str!("../../assets/paths.js")),
    ("assets/diff.js", include_str!("../../assets/diff.js")),
    ("assets/search.js", include_str!("../../assets/search.js")),
];
