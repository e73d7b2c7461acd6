//! The report's fixed files, kept as plain files in `review/assets/` (edited and reviewed as
//! HTML, CSS and JavaScript; no build step) and compiled in. The pages share one shell
//! (`page.html`) and differ only in their name and their own script.

use std::borrow::Cow;

/// `(page file, its name in `data-page`, its own script)`: what `page.html` is filled with.
const PAGES: &[(&str, &str, Option<&str>)] = &[
    ("index.html", "overview", Some("assets/overview.js")),
    ("crate.html", "crate", Some("assets/crate.js")),
    ("paths.html", "paths", Some("assets/paths.js")),
    ("diff.html", "diff", Some("assets/diff.js")),
    // Search is in every page (`search.js`); its own page needs nothing more.
    ("search.html", "search", None),
];

const SHELL: &str = include_str!("../../assets/page.html");

/// `(path in the report, contents)` of the scripts and the style sheet.
const STATIC: &[(&str, &str)] = &[
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

/// `(path in the report, contents)` of every fixed file: the pages, then `STATIC`.
pub fn files() -> Vec<(&'static str, Cow<'static, str>)> {
    let pages = PAGES.iter().map(|(file, page, script)| {
        let script = script.map_or(String::new(), |s| {
            format!("<script src=\"{s}\"></script>\n")
        });
        let html = SHELL.replace("{page}", page).replace("{script}\n", &script);
        (*file, Cow::Owned(html))
    });
    pages
        .chain(
            STATIC
                .iter()
                .map(|(name, text)| (*name, Cow::Borrowed(*text))),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_page_names_itself_and_loads_its_script_last() {
        let files = super::files();
        let page = |name: &str| &files.iter().find(|(n, _)| *n == name).unwrap().1;
        let crate_page = page("crate.html");
        assert!(crate_page.contains("<body data-page=\"crate\">"));
        assert!(crate_page.ends_with(
            "<script src=\"assets/search.js\"></script>\n\
             <script src=\"assets/crate.js\"></script>\n</body>\n</html>\n"
        ));
        let search = page("search.html");
        assert!(search.contains("<body data-page=\"search\">"));
        assert!(!search.contains('{'), "placeholders left: {search}");
        assert!(search.ends_with("<script src=\"assets/search.js\"></script>\n</body>\n</html>\n"));
        assert!(page("index.html").contains("data-page=\"overview\""));
    }
}
