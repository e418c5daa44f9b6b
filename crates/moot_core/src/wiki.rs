//! Wiki text rules without I/O: page slugs, and the unified diffs that show
//! how one revision differs from another and travel as Ibis-style patches.

/// Most characters in a page title.
pub const MAX_TITLE: usize = 200;
/// Most characters in a page's text.
pub const MAX_BODY: usize = 200_000;
/// Most characters in an edit summary.
pub const MAX_SUMMARY: usize = 500;

/// The name of a page with this title in its URL: lower-case letters and
/// digits (of any script), words joined by `-`. None when nothing of the title is left.
pub fn slug(title: &str) -> Option<String> {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(80).collect();
    (!out.is_empty()).then(|| out.trim_end_matches('-').to_owned())
}

/// Whether `raw` is a slug as [`slug`] makes them.
pub fn is_slug(raw: &str) -> bool {
    slug(raw).as_deref() == Some(raw)
}

/// The unified diff turning `from` into `to`.
pub fn diff(from: &str, to: &str) -> String {
    diffy::create_patch(from, to).to_string()
}

/// `from` with the unified diff `patch` applied; None if it does not apply.
pub fn apply(from: &str, patch: &str) -> Option<String> {
    // Anything parses as a patch without hunks: demand its header.
    if !patch.starts_with("--- ") {
        return None;
    }
    let patch = diffy::Patch::from_str(patch).ok()?;
    diffy::apply(from, &patch).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lower_case_words_joined_by_dashes() {
        assert_eq!(
            slug("Bin collection: FAQ!").as_deref(),
            Some("bin-collection-faq")
        );
        assert_eq!(slug("  Ünïcode & 2026 ").as_deref(), Some("ünïcode-2026"));
        assert_eq!(slug("!!!"), None);
        assert!(is_slug("bin-collection-faq"));
        assert!(!is_slug("Bin"));
        assert!(!is_slug("a--b"));
    }

    #[test]
    fn a_diff_applies_to_what_it_was_made_from_only() {
        let (old, new) = ("one\ntwo\nthree\n", "one\n2\nthree\nfour\n");
        let patch = diff(old, new);
        assert!(patch.contains("-two\n+2\n"), "{patch}");
        assert_eq!(apply(old, &patch).as_deref(), Some(new));
        assert_eq!(apply("something else\n", &patch), None);
        assert_eq!(apply(old, "not a patch"), None);
    }
}
