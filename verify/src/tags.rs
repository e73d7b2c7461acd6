//! `verified, tagged`: a tag for the version points at the commit. Projects name release tags
//! in a handful of ways (`v1.2.3`, `1.2.3`, and in workspaces `name-v1.2.3`, `name-1.2.3`,
//! `name/v1.2.3`, `name@1.2.3`, …); any of them pointing at the commit counts, and one pointing
//! elsewhere is worth a note.

use crate::git::RemoteRefs;

/// The tag names a release of `name` `version` is given, most common first.
pub fn candidates(name: &str, version: &str) -> Vec<String> {
    let mut names = vec![format!("v{version}"), version.to_string()];
    for sep in ["-v", "-", "/v", "/", "@v", "@", "_v", "_"] {
        names.push(format!("{name}{sep}{version}"));
    }
    names
}

/// What the tags say: the tag at `commit`, or notes on tags for the version elsewhere.
pub fn find(
    refs: &RemoteRefs,
    name: &str,
    version: &str,
    commit: &str,
) -> (Option<String>, Vec<String>) {
    let mut notes = Vec::new();
    for tag in candidates(name, version) {
        match refs.tags.get(&tag) {
            Some(target) if target.eq_ignore_ascii_case(commit) => return (Some(tag), Vec::new()),
            Some(target) => notes.push(format!(
                "tag `{tag}` points at {target}, not at the published commit"
            )),
            None => {}
        }
    }
    (None, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_names() {
        let mut refs = RemoteRefs::default();
        refs.tags.insert("serde_json-v1.0.0".into(), "abc".into());
        refs.tags.insert("v1.0.0".into(), "def".into());
        let (tag, notes) = find(&refs, "serde_json", "1.0.0", "abc");
        assert_eq!(tag.as_deref(), Some("serde_json-v1.0.0"));
        assert!(notes.is_empty());
        let (tag, notes) = find(&refs, "serde_json", "1.0.0", "fff");
        assert!(tag.is_none());
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(candidates("a", "1.0.0").contains(&"a@1.0.0".to_string()));
    }
}
