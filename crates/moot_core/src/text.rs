//! Post content: Markdown from local authors rendered to HTML, and every
//! piece of HTML, local or remote, cleaned against one allow-list.

use std::collections::HashSet;
use std::sync::OnceLock;

use ammonia::Builder;
use pulldown_cmark::{html, Options, Parser};

/// The one HTML allow-list: text structure, links and the classes that
/// Mastodon-family servers use for mentions and hashtags. No images, styles,
/// scripts or event handlers; links open safely.
fn cleaner() -> &'static Builder<'static> {
    static CLEANER: OnceLock<Builder<'static>> = OnceLock::new();
    CLEANER.get_or_init(|| {
        let tags: HashSet<&str> = [
            "p",
            "br",
            "a",
            "span",
            "strong",
            "b",
            "em",
            "i",
            "u",
            "s",
            "del",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "sup",
            "sub",
        ]
        .into_iter()
        .collect();
        let mut builder = Builder::default();
        builder
            .tags(tags)
            .tag_attributes(
                // `class` is governed by allowed_classes below.
                [("a", ["href"].into_iter().collect())]
                    .into_iter()
                    .collect(),
            )
            .allowed_classes(
                [
                    (
                        "a",
                        ["mention", "hashtag", "u-url", "h-card"]
                            .into_iter()
                            .collect(),
                    ),
                    (
                        "span",
                        ["h-card", "invisible", "ellipsis"].into_iter().collect(),
                    ),
                ]
                .into_iter()
                .collect(),
            )
            .url_schemes(["http", "https", "mailto"].into_iter().collect())
            .link_rel(Some("nofollow noopener noreferrer"))
            .strip_comments(true);
        builder
    })
}

/// Removes everything not on the allow-list.
pub fn sanitize_html(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// Renders a local author's Markdown (raw HTML in it is cleaned too).
pub fn render_markdown(source: &str) -> String {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    let mut out = String::with_capacity(source.len() * 2);
    html::push_html(&mut out, parser);
    sanitize_html(&out)
}

/// Escapes text for inclusion in HTML element content or quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_stays_safe() {
        let html = render_markdown(
            "**bold** and [a link](https://x.example)\n\n<script>alert(1)</script>",
        );
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(html.contains("href=\"https://x.example\""), "{html}");
        assert!(
            html.contains("rel=\"nofollow noopener noreferrer\""),
            "{html}"
        );
        assert!(!html.contains("<script"), "{html}");
    }

    #[test]
    fn hostile_html_is_cleaned() {
        let dirty = r#"<p onclick="x()">hi <img src=x onerror=alert(1)><a href="javascript:alert(1)">j</a>
            <a class="mention evil" href="https://a.example/@jo">@jo</a><style>p{}</style><iframe src="https://x"></iframe></p>"#;
        let clean = sanitize_html(dirty);
        for bad in [
            "onclick",
            "<img",
            "javascript:",
            "<style",
            "<iframe",
            "evil",
        ] {
            assert!(!clean.contains(bad), "{bad} in {clean}");
        }
        assert!(clean.contains("class=\"mention\""), "{clean}");
    }
}

/// The `@name` and `@name@host` mentions in a local author's text, in order,
/// without the leading `@`.
pub fn mentions(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices('@') {
        // A mention starts a word: not part of an email address.
        if text[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '@')
        {
            continue;
        }
        let rest = &text[i + 1..];
        let end = rest
            .find(|c: char| {
                !(c.is_ascii_alphanumeric() || matches!(c, '_' | '@' | '.' | '-' | ':'))
            })
            .unwrap_or(rest.len());
        let candidate = rest[..end].trim_end_matches(['.', ':', '-']);
        let mut parts = candidate.splitn(2, '@');
        let name = parts.next().unwrap_or_default();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            continue;
        }
        if !found.iter().any(|f: &String| f == candidate) {
            found.push(candidate.to_owned());
        }
    }
    found
}

/// The text of sanitized HTML, markup removed (entities stay escaped).
pub fn plain_text(html: &str) -> String {
    ammonia::Builder::empty().clean(html).to_string()
}

/// The `#hashtags` in a local author's text, lower-cased, without `#`.
pub fn hashtags(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices('#') {
        if text[..i]
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '&')
        {
            continue;
        }
        let tag: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let tag = tag.to_lowercase();
        if !tag.is_empty() && !tag.chars().all(|c| c.is_ascii_digit()) && !found.contains(&tag) {
            found.push(tag);
        }
    }
    found
}

#[cfg(test)]
mod mention_tests {
    #[test]
    fn finds_mentions_not_emails() {
        assert_eq!(
            super::mentions("Hi @jo and @housing@moot.example:8080, mail me at a@b.org. @jo"),
            vec!["jo".to_owned(), "housing@moot.example:8080".to_owned()]
        );
    }

    #[test]
    fn finds_hashtags() {
        assert_eq!(
            super::hashtags(
                "#Housing tips for #housing and #SEND_review, not a#b or #123 or &#39;"
            ),
            vec!["housing".to_owned(), "send_review".to_owned()]
        );
    }
}
